/**
 * Stable, machine-readable codes of every authentication failure (DESIGN §3).
 * Clients may branch on these; messages may be reworded, codes never are.
 */
export type AuthPasetoErrorCode =
  | 'token_missing'
  | 'bad_header'
  | 'invalid_token'
  | 'invalid_version'
  | 'invalid_purpose'
  | 'token_expired'
  | 'token_not_active'
  | 'invalid_issuer'
  | 'invalid_audience'
  | 'token_revoked'
  | 'wrong_token_type'
  | 'fresh_token_required'
  | 'insufficient_role'
  | 'invalid_argument'
  | 'user_not_found'
  | 'denylist_unavailable'
  | 'csrf_failed'
  | 'subject_mismatch'
  | 'rate_limited'
  | 'refresh_token_reused';

/** The default HTTP status of each code; override per code with the `statusCodes` option. */
export const DEFAULT_STATUS_CODES: Readonly<Record<AuthPasetoErrorCode, number>> = Object.freeze({
  token_missing: 401,
  bad_header: 400,
  invalid_token: 401,
  invalid_version: 401,
  invalid_purpose: 401,
  token_expired: 401,
  token_not_active: 401,
  invalid_issuer: 401,
  invalid_audience: 401,
  token_revoked: 401,
  wrong_token_type: 401,
  fresh_token_required: 401,
  insufficient_role: 403,
  invalid_argument: 400,
  user_not_found: 401,
  denylist_unavailable: 503,
  csrf_failed: 401,
  subject_mismatch: 400,
  rate_limited: 429,
  refresh_token_reused: 401,
});

/** Every code, for validation of `statusCodes` and for exhaustive tests. */
export const AUTH_PASETO_ERROR_CODES = Object.freeze(Object.keys(DEFAULT_STATUS_CODES)) as readonly AuthPasetoErrorCode[];

/** The exact messages of DESIGN §3 that do not depend on the request. */
export const ErrorMessages = Object.freeze({
  tokenMissing: 'PASETO Authorization Token required',
  invalidFormat: 'Invalid PASETO format',
  decryptFailed: 'Failed to decrypt.',
  verifyFailed: 'Failed to verify.',
  invalidBase64: 'Invalid base64 encoding',
  expiryMissing: "Token is missing the 'exp' claim",
  subjectMissing: "Token is missing the 'sub' claim",
  jtiMissing: "Token is missing the 'jti' claim",
  tooLong: 'Token is too long',
  expired: 'Token expired.',
  notActive: 'Token has not been activated yet.',
  issuerMissing: "Token is missing the 'iss' claim",
  issuerInvalid: 'Token issuer is not valid',
  audienceInvalid: 'aud verification failed.',
  revoked: 'Token has been revoked',
  notFresh: 'PASETO access token is not fresh',
  insufficientRole: 'Token lacks a required role',
  freshAndRefresh: 'fresh and refresh_token cannot be True at the same time',
  userNotFound: 'User not found',
  subjectMismatch: "Token subject does not match the socket's",
  rateLimited: 'Too many attempts',
  denylistUnavailable: 'Token revocation status is unavailable',
  csrfMissing: 'Missing CSRF token',
  csrfMismatch: 'CSRF double submit tokens do not match',
  csrfClaimMissing: "Token is missing the 'csrf' claim",
  refreshTokenReused: 'Refresh token reuse detected; the session has been revoked',
  tokenWithoutSession: "Token is missing the 'sid' claim; it belongs to no session",
  sessionMissing: "Refresh token is missing the 'sid' claim; make it with createTokenPair to rotate it",
});

/** The `bad_header` message for a token header sent more than once (never quoting the values). */
export function headerSentTwiceMessage(name: string): string {
  return `Bad ${name} header. Sent more than once; send exactly one`;
}

/** The JSON body an HTTP client or a socket `connect_error` receives. */
export interface AuthPasetoErrorBody {
  name: string;
  message: string;
  code: AuthPasetoErrorCode;
  status: number;
}

/**
 * The one error class of every authentication failure. Framework-free: routing-controllers (and
 * express' own handler, through `status`) render it by its `httpCode` and `toJSON()`, so a
 * Socket.IO-only application needs no HTTP framework. Its message never holds a token or a URL.
 * It captures no stack frames (`stack` is its name and message): a refusal is an expected
 * outcome, and a flood of forged tokens must not pay for traces.
 */
export class AuthPasetoError extends Error {
  /** The HTTP status (the status configured for {@link code}, see the `statusCodes` option). */
  readonly httpCode: number;
  /** Stable machine-readable code, see {@link AuthPasetoErrorCode}. */
  readonly code: AuthPasetoErrorCode;

  /**
   * @param code - the stable code
   * @param message - the human-readable message
   * @param status - the HTTP status; defaults to the code's default status
   */
  constructor(code: AuthPasetoErrorCode, message: string, status: number = DEFAULT_STATUS_CODES[code]) {
    // An expected refusal, not a bug: its code says what happened and frames would say nothing.
    // Capturing them cost ten times the rest of the error, paid on every forged token of a flood;
    // so none are captured.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(message);
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'AuthPasetoError';
    this.httpCode = status;
    this.code = code;
    this.stack = `${this.name}: ${this.message}`;
  }

  /** The HTTP status (an alias of `httpCode`). */
  get status(): number {
    return this.httpCode;
  }

  /** The body routing-controllers and our handlers send. */
  toJSON(): AuthPasetoErrorBody {
    return { name: this.name, message: this.message, code: this.code, status: this.httpCode };
  }
}

/** Thrown at construction when the options are wrong; `field` names the option at fault. */
export class PasetoConfigError extends Error {
  /** The option (dotted path) at fault. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(`Invalid PASETO configuration: ${field}: ${message}`);
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'PasetoConfigError';
    this.field = field;
  }
}

/** True for an {@link AuthPasetoError}, also one from another copy of this package. */
export function isAuthPasetoError(value: unknown): value is AuthPasetoError {
  return value instanceof AuthPasetoError || (value instanceof Error && value.name === 'AuthPasetoError' && typeof (value as { code?: unknown }).code === 'string');
}
