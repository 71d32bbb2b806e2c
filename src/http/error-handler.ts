import { AuthPasetoError, DEFAULT_STATUS_CODES, ErrorMessages, isAuthPasetoError, type AuthPasetoErrorCode } from '../errors';
import type { PasetoAuthService } from '../service';
import { RequestBodyError } from '../transport/http';

/** The response methods this module uses; express 4 and 5 responses (node `ServerResponse`s) fit. */
export interface HttpResponseLike {
  readonly headersSent?: boolean;
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

/** The library's fixed messages: they hold no request or claim text. */
const FIXED_MESSAGES: ReadonlySet<string> = new Set(Object.values(ErrorMessages));

/** What the header says for a code whose message can hold text from the request or the token. */
const FIXED_DESCRIPTIONS: Readonly<Partial<Record<AuthPasetoErrorCode, string>>> = {
  bad_header: 'Malformed token value',
  invalid_version: 'Unsupported PASETO version',
  invalid_purpose: 'Unsupported PASETO purpose',
  wrong_token_type: 'Wrong token type',
  invalid_argument: 'Invalid request',
};

/**
 * The `error_description` of an error: its message when it is one of the fixed library messages,
 * else a fixed text for its code. Claim text (a token's `type`) never reaches a header, where a
 * control character or one above U+00FF would make node throw, and anything outside RFC 6750's
 * characters (`%x20-21 / %x23-5B / %x5D-7E`) is dropped.
 */
function description(error: AuthPasetoError): string {
  const text = FIXED_MESSAGES.has(error.message) ? error.message : (FIXED_DESCRIPTIONS[error.code] ?? 'Authentication failed');
  return text.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '');
}

/**
 * The RFC 6750 `WWW-Authenticate` value for an error, or `undefined` when its status takes none:
 * 401 without a token is a bare challenge (`Bearer`, no error code: RFC 6750 §3.1), 401 otherwise
 * `error="invalid_token"`, 403 `error="insufficient_scope"`, 400 `error="invalid_request"`.
 * The scheme is the configured `headerType` (`Bearer` when bare tokens are configured). The
 * description holds no text from the request or the token (see `description`).
 */
export function wwwAuthenticateValue(error: AuthPasetoError, scheme: string = 'Bearer'): string | undefined {
  const detail = `error_description="${description(error)}"`;
  switch (error.httpCode) {
    case 401:
      return error.code === 'token_missing' ? scheme : `${scheme} error="invalid_token", ${detail}`;
    case 403:
      return `${scheme} error="insufficient_scope", ${detail}`;
    case 400:
      return `${scheme} error="invalid_request", ${detail}`;
    default:
      return undefined;
  }
}

/**
 * Sets the `WWW-Authenticate` header of an auth error on a response that has not been sent yet.
 * The checkers call it before throwing, so the header is there with routing-controllers' default
 * error handler too (it renders the error on the same response object).
 */
export function setAuthErrorHeaders(response: unknown, error: unknown, service?: PasetoAuthService): void {
  if (!isAuthPasetoError(error) || typeof response !== 'object' || response === null) return;
  const res = response as Partial<HttpResponseLike>;
  if (res.headersSent || typeof res.setHeader !== 'function') return;
  const value = wwwAuthenticateValue(error, service?.config.headerType ?? 'Bearer');
  if (value !== undefined) res.setHeader('WWW-Authenticate', value);
}

/** Options of {@link pasetoErrorHandler}. */
export interface PasetoErrorHandlerOptions {
  /** The service whose `statusCodes` and `headerType` apply to translated routing-controllers errors. */
  auth?: PasetoAuthService;
}

function statusOf(code: AuthPasetoErrorCode, service: PasetoAuthService | undefined): number {
  return service ? service.config.statusCodes[code] : DEFAULT_STATUS_CODES[code];
}

/**
 * routing-controllers' own 401/403 errors carry the request URL, query string included, in their
 * message; they become ours (without the URL) here.
 */
function translate(error: unknown, service: PasetoAuthService | undefined): unknown {
  if (!(error instanceof Error)) return error;
  if (error.name === 'AuthorizationRequiredError') {
    return new AuthPasetoError('token_missing', ErrorMessages.tokenMissing, statusOf('token_missing', service));
  }
  if (error.name === 'AccessDeniedError') {
    return new AuthPasetoError('insufficient_role', ErrorMessages.insufficientRole, statusOf('insufficient_role', service));
  }
  return error;
}

function send(res: HttpResponseLike, status: number, body: object): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/**
 * For routing-controllers' `errorOverridingMap` option, with its default error handler: its own
 * `AuthorizationRequiredError` / `AccessDeniedError` (a `@CurrentUser({ required: true })` on a route
 * without a guard, or a checker of yours returning `false`) carry the request URL in their message;
 * this replaces the JSON body of `@JsonController`s by ours. Prefer guarding such routes with
 * `@Authorized()`, which never lets routing-controllers build those errors.
 */
export const pasetoErrorOverridingMap: Readonly<Record<string, Readonly<Record<string, unknown>>>> = Object.freeze({
  AuthorizationRequiredError: Object.freeze({ name: 'AuthPasetoError', message: ErrorMessages.tokenMissing, code: 'token_missing', status: 401 }),
  AccessDeniedError: Object.freeze({ name: 'AuthPasetoError', message: ErrorMessages.insufficientRole, code: 'insufficient_role', status: 403 }),
});

/** An express error middleware (four parameters). */
export type PasetoErrorRequestHandler = (error: unknown, request: unknown, response: HttpResponseLike, next: (error?: unknown) => void) => void;

/**
 * An express error middleware rendering authentication errors as JSON (`{ name, message, code,
 * status }`) with their status and `WWW-Authenticate` header. Register it after
 * `useExpressServer(...)`:
 *
 * - with `defaultErrorHandler: false` it is the renderer: auth errors, the JSON lookup's body
 *   errors, and routing-controllers' own `AuthorizationRequiredError` / `AccessDeniedError`
 *   (translated to `token_missing` / `insufficient_role`, so no URL reaches the client); every
 *   other error goes on to your handlers untouched;
 * - with the default handler it ends auth errors that were already rendered, so express neither
 *   logs their stack nor closes the keep-alive connection (DESIGN §6).
 */
export function pasetoErrorHandler(options: PasetoErrorHandlerOptions = {}): PasetoErrorRequestHandler {
  const service = options.auth;
  return function pasetoErrorHandler(error, _request, response, next) {
    const translated = translate(error, service);
    const ours = isAuthPasetoError(translated) || translated instanceof RequestBodyError;
    if (response.headersSent) {
      // Already rendered by routing-controllers: nothing left to do for an expected auth failure.
      if (ours || translated !== error) return;
      next(error);
      return;
    }
    if (isAuthPasetoError(translated)) {
      setAuthErrorHeaders(response, translated, service);
      send(response, translated.httpCode, translated.toJSON());
      return;
    }
    if (translated instanceof RequestBodyError) {
      send(response, translated.httpCode, translated.toJSON());
      return;
    }
    next(error);
  };
}
