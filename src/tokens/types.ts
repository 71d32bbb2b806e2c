import type { PasetoPurpose, PasetoVersion } from '../config/options';

/** A footer as given on creation: an object (sent as JSON), a string, or raw bytes. */
export type FooterInput = Readonly<Record<string, unknown>> | string | Uint8Array;
/** A footer as read back: the parsed JSON object, else the UTF-8 string; `null` when empty. */
export type Footer = Readonly<Record<string, unknown>> | string | null;

/** Options shared by every `create*Token` method (fastapi-paseto's keyword arguments, camelCase). */
export interface CreateTokenBaseOptions {
  /** The `sub` claim: who the token is about. */
  subject: string | number;
  /** Lifetime in seconds, an absolute expiry `Date`, or `false` for a token without `exp`. Default from config. */
  expiresIn?: number | Date | false;
  /** The `aud` claim: one audience or a list. */
  audience?: string | readonly string[];
  /** The `iss` claim; defaults to `encodeIssuer`. */
  issuer?: string;
  /** Extra claims; the reserved names (aud, csrf, exp, fresh, iat, iss, jti, nbf, sid, sub, type) are refused. */
  userClaims?: Readonly<Record<string, unknown>>;
  /** Authenticated, unencrypted footer. With a key ring, an object footer also carries `kid`. */
  footer?: FooterInput;
  /** Authenticated data that is not stored in the token (v3/v4 implicit assertion). */
  implicitAssertion?: string | Uint8Array;
  /** Return the token base64-encoded (fastapi-paseto's `base64_encode`). */
  base64Encode?: boolean;
  /** Purpose of this token; defaults to the configured `purpose`. A key of that purpose must be configured. */
  purpose?: PasetoPurpose;
  /**
   * The session the token joins (claim `sid`), e.g. the `sessionId` of {@link PasetoAuthService.createTokenPair}:
   * `revokeSession` then refuses it with the rest of the session.
   */
  sessionId?: string;
}

/** Options of `createTokenPair`: those of an access token; both tokens get them, and a new session id. */
export type CreateTokenPairOptions = Omit<CreateAccessTokenOptions, 'sessionId'>;

/** An access token and a refresh token of one session (`sid`). */
export interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** The `sid` claim of both tokens. */
  readonly sessionId: string;
}

/** Options of `createAccessToken`. */
export interface CreateAccessTokenOptions extends CreateTokenBaseOptions {
  /** Mark the token fresh (just logged in with credentials). Default `false`. */
  fresh?: boolean;
}

/** Options of `createRefreshToken`. */
export type CreateRefreshTokenOptions = CreateTokenBaseOptions;

/** Options of `createToken`: a token of a custom `type`. */
export interface CreateCustomTokenOptions extends CreateTokenBaseOptions {
  /** The `type` claim, e.g. `'email-verification'`. */
  type: string;
  /** Only meaningful for `type: 'access'`. */
  fresh?: boolean;
}

/** What a verification requires of a token (fastapi-paseto's `paseto_required` arguments). */
export interface VerifyTokenOptions {
  /** Required `type` claim. Default `'access'` (or `'refresh'` with `refreshToken`). */
  type?: string;
  /** Require a fresh access token. */
  fresh?: boolean;
  /** Require a refresh token. Cannot be combined with `fresh`. */
  refreshToken?: boolean;
  /** The token string is base64 of the PASETO (fastapi-paseto's `base64_encoded`). */
  base64Encoded?: boolean;
  /** The implicit assertion the token was made with. */
  implicitAssertion?: string | Uint8Array;
}

/** A requirement of an adapter (HTTP route, socket namespace): verification options plus optionality. */
export interface AuthenticateOptions extends VerifyTokenOptions {
  /** An absent or undecodable token gives `null` (anonymous) instead of an error. */
  optional?: boolean;
}

/** Roles a route or namespace asks of the token's roles claim. */
export interface RoleRequirement {
  /** Every one of these roles is required. */
  all?: readonly string[];
  /** At least one of these roles is required. */
  any?: readonly string[];
}

/** A token that passed verification: its claims and what was learnt opening it. */
export interface VerifiedToken {
  /** The PASETO string (already base64-decoded when `base64Encoded` was asked). */
  readonly token: string;
  /** Every claim. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** The `sub` claim. */
  readonly subject: string | number;
  /** The `jti` claim; `null` for a token without one (made elsewhere: it cannot be revoked by id). */
  readonly jti: string | null;
  /** The `type` claim. */
  readonly type: string;
  /** The `fresh` claim (false when absent). */
  readonly fresh: boolean;
  /** The footer: parsed JSON object, string, or `null`. */
  readonly footer: Footer;
  readonly purpose: PasetoPurpose;
  readonly version: PasetoVersion;
  /** PASERK id of the key that opened the token. */
  readonly kid?: string;
  /** `exp` as a Date, or `null` for a token without `exp`. */
  readonly expiresAt: Date | null;
  /** The `sid` claim: the session of the token; `null` for a token made outside a session. */
  readonly sessionId: string | null;
  /** The `iat` claim in milliseconds; `null` when absent or malformed. */
  readonly issuedAtMs: number | null;
}
