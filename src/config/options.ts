import type { AuthPasetoErrorCode } from '../errors';
import type { DenylistStore, TokenInDenylistLoader } from '../denylist/store';
import type { KeySetOptions } from '../keys/remote-key-set';

/** PASETO versions we produce and accept. */
export type PasetoVersion = 3 | 4;
/** PASETO purposes: `local` (encrypted, symmetric key) or `public` (signed, key pair). */
export type PasetoPurpose = 'local' | 'public';
/** Where an HTTP request may carry its token. */
export type HttpTokenLocation = 'headers' | 'json' | 'query' | 'cookies';
/** Where a Socket.IO handshake may carry its token. */
export type SocketTokenLocation = 'auth' | 'headers' | 'query';
/** The `SameSite` attribute of the auth cookies; `null` leaves it out (the browser's default applies). */
export type CookieSameSite = 'lax' | 'strict' | 'none' | null;
/** Key material: a PASERK / base64url / hex / PEM string, or raw bytes. */
export type KeyMaterial = string | Uint8Array;

/**
 * One key of a key ring (option `keys`). Give the material inline or as a file path.
 * Local keys: `secretKey` (PASERK `k4.local.…`, or 32 bytes as base64url or hex).
 * Public keys: `privateKey` (PASERK `k4.secret.…` or PEM) signs, `publicKey`
 * (PASERK `k4.public.…` or PEM) verifies; a private key implies its public key.
 */
export interface PasetoKeyOptions {
  /** PASETO version of the key; defaults to the top-level `version`. */
  version?: PasetoVersion | undefined;
  /** Purpose of the key; defaults to the top-level `purpose`. */
  purpose?: PasetoPurpose | undefined;
  secretKey?: KeyMaterial | undefined;
  secretKeyFile?: string | undefined;
  privateKey?: KeyMaterial | undefined;
  privateKeyFile?: string | undefined;
  publicKey?: KeyMaterial | undefined;
  publicKeyFile?: string | undefined;
}

/**
 * Options of {@link PasetoAuthService}: the camelCase of fastapi-paseto's `authpaseto_*`
 * settings, plus ours. Every field is optional but key material; unknown fields are refused.
 */
export interface PasetoAuthOptions {
  /** Where HTTP requests carry tokens, searched in this order. Default `['headers']`. */
  tokenLocation?: HttpTokenLocation[] | undefined;
  /** Where socket handshakes carry tokens, searched in this order. Default `['auth', 'headers', 'query']`. */
  websocketTokenLocation?: SocketTokenLocation[] | undefined;
  /** Purpose of new tokens and of the top-level key. Default `'local'`. */
  purpose?: PasetoPurpose | undefined;
  /** Version of new tokens and of the top-level key. Default `4`. */
  version?: PasetoVersion | undefined;
  /** Symmetric key for `local` tokens. */
  secretKey?: KeyMaterial | undefined;
  secretKeyFile?: string | undefined;
  /** Signing key for `public` tokens. */
  privateKey?: KeyMaterial | undefined;
  privateKeyFile?: string | undefined;
  /** Verification key for `public` tokens. */
  publicKey?: KeyMaterial | undefined;
  publicKeyFile?: string | undefined;
  /**
   * Key ring for rotation. The first key signs new tokens (it must hold signing material);
   * every key verifies. Tokens name their key by PASERK id (`kid` in the footer).
   * When given, the top-level key fields must be absent.
   */
  keys?: PasetoKeyOptions[] | undefined;
  /**
   * URL of an issuer's published key set (`auth.publicKeySet()` served, by convention at
   * `/.well-known/paseto-keys`): its `k{version}.public` keys verify tokens besides any configured
   * key, and no key option is needed. Fetched at start, again for a token naming an unknown key
   * (rate limited) and when older than `keySetOptions.maxAgeMs`; a failed fetch keeps the keys held.
   */
  keySetUrl?: string | undefined;
  /** Timeouts, rate limit and error listener of the `keySetUrl` fetches. */
  keySetOptions?: KeySetOptions | undefined;
  /** Seconds of clock skew accepted on `exp` and `nbf`. Default `0`. */
  decodeLeeway?: number | undefined;
  /** `iss` put on new tokens. */
  encodeIssuer?: string | undefined;
  /** Required `iss` of verified tokens (one of these). */
  decodeIssuer?: string | string[] | undefined;
  /** Required `aud` of verified tokens: a token passes when its `aud` shares a value with this. */
  decodeAudience?: string | string[] | undefined;
  /** Refuse tokens without `exp`. Default `false` (as fastapi-paseto). */
  requireExpiry?: boolean | undefined;
  /** Check the denylist on verification. Default `false`. */
  denylistEnabled?: boolean | undefined;
  /**
   * Refuse tokens without a `jti` claim (a non-empty string), which could not be revoked one by
   * one. Default: `true` when `denylistEnabled`, else `false`.
   */
  requireJti?: boolean | undefined;
  /** Token types whose revocation is checked. Default `['access', 'refresh']`. */
  denylistTokenChecks?: string[] | undefined;
  /** The denylist store. Default: an in-memory store. */
  denylist?: DenylistStore | undefined;
  /** fastapi-paseto's `token_in_denylist_loader`: true when the token is revoked; may be async. */
  tokenInDenylistLoader?: TokenInDenylistLoader | undefined;
  /** Header carrying the token. Default `'Authorization'`. */
  headerName?: string | undefined;
  /** Scheme before the token in the header; `null` for a bare token. Default `'Bearer'`. */
  headerType?: string | null | undefined;
  /** JSON body key of the token. Default `'access_token'`. */
  jsonKey?: string | undefined;
  /** JSON body key of a refresh token. Default `'refresh_token'`. */
  jsonRefreshKey?: string | undefined;
  /** Prefix before the token in the JSON value; `null` for a bare token. Default `null`. */
  jsonType?: string | null | undefined;
  /** Query parameter of HTTP requests (location `query`). Default `'token'`. */
  queryKey?: string | undefined;
  /** Query parameter of socket handshakes. Default `'token'`. */
  websocketQueryKey?: string | undefined;
  /** Prefix before the token in the socket query value; `null` for a bare token. Default `null`. */
  websocketQueryType?: string | null | undefined;
  /** Lifetime of access tokens in seconds, or `false` for none. Default `900`. */
  accessTokenExpires?: number | false | undefined;
  /** Lifetime of refresh tokens in seconds, or `false`. Default 30 days. */
  refreshTokenExpires?: number | false | undefined;
  /** Lifetime of custom-type tokens in seconds, or `false`. Default 30 days. */
  otherTokenExpires?: number | false | undefined;
  /** Claim holding roles: a list, or a space-separated string (as OAuth `scope`). Default `'roles'`. */
  rolesClaim?: string | undefined;
  /** HTTP status per error code, e.g. `{ invalid_token: 422 }`. */
  statusCodes?: Partial<Record<AuthPasetoErrorCode, number>> | undefined;
  /** Entries of the verified-token cache; `0` disables it. Default `1000`. */
  verifiedTokenCacheSize?: number | undefined;
  /**
   * Longest token accepted, in characters, checked before anything is decoded: a longer one is
   * refused with `invalid_token` ("Token is too long"). A `base64Encoded` token may be 4/3 as long.
   * Default `8192`, far above any real token (an access token with a few claims is ~300).
   */
  maxTokenLength?: number | undefined;
  /** Cookie of access tokens (location `cookies`). Default `'access_token_cookie'`. */
  accessCookieKey?: string | undefined;
  /** Cookie of refresh tokens, read on refresh routes. Default `'refresh_token_cookie'`. */
  refreshCookieKey?: string | undefined;
  /**
   * Double-submit CSRF protection of cookie-borne tokens. When on and `'cookies'` is in
   * `tokenLocation`, new tokens carry a random `csrf` claim; a request whose token came from a
   * cookie, with a method in `csrfMethods`, must send that value in the `csrfHeaderName` header.
   * Default `true`.
   */
  cookieCsrfProtect?: boolean | undefined;
  /** Cookie holding the access token's `csrf` claim, readable by scripts. Default `'csrf_access_token'`. */
  accessCsrfCookieKey?: string | undefined;
  /** Cookie holding the refresh token's `csrf` claim, readable by scripts. Default `'csrf_refresh_token'`. */
  refreshCsrfCookieKey?: string | undefined;
  /** Header carrying the CSRF value (access and refresh routes alike). Default `'X-CSRF-Token'`. */
  csrfHeaderName?: string | undefined;
  /** Methods whose cookie-borne tokens need the CSRF header (case-insensitive). Default `['POST', 'PUT', 'PATCH', 'DELETE']`. */
  csrfMethods?: string[] | undefined;
  /** `Secure` attribute of the auth cookies (sent over HTTPS only). Default `true`. */
  cookieSecure?: boolean | undefined;
  /** `SameSite` attribute of the auth cookies; `'none'` needs `cookieSecure`. Default `'lax'`. */
  cookieSameSite?: CookieSameSite | undefined;
  /** `Domain` attribute of the auth cookies. Default: none (the cookie is host-only). */
  cookieDomain?: string | undefined;
  /** `Path` attribute of the auth cookies. Default `'/'`. */
  cookiePath?: string | undefined;
  /**
   * `Max-Age` of the auth cookies in seconds; `null` for session cookies (gone when the browser
   * closes). Default: the remaining lifetime of the token set (a session cookie for a token without `exp`).
   */
  cookieMaxAge?: number | null | undefined;
}

/** {@link PasetoAuthOptions} with every default filled in and validated; frozen. */
export interface ResolvedPasetoConfig {
  readonly tokenLocation: readonly HttpTokenLocation[];
  readonly websocketTokenLocation: readonly SocketTokenLocation[];
  readonly purpose: PasetoPurpose;
  readonly version: PasetoVersion;
  readonly decodeLeeway: number;
  readonly encodeIssuer: string | undefined;
  readonly decodeIssuer: readonly string[] | undefined;
  readonly decodeAudience: readonly string[] | undefined;
  readonly requireExpiry: boolean;
  readonly denylistEnabled: boolean;
  readonly requireJti: boolean;
  readonly denylistTokenChecks: readonly string[];
  readonly headerName: string;
  readonly headerType: string | null;
  readonly jsonKey: string;
  readonly jsonRefreshKey: string;
  readonly jsonType: string | null;
  readonly queryKey: string;
  readonly websocketQueryKey: string;
  readonly websocketQueryType: string | null;
  readonly accessTokenExpires: number | false;
  readonly refreshTokenExpires: number | false;
  readonly otherTokenExpires: number | false;
  readonly rolesClaim: string;
  readonly statusCodes: Readonly<Record<AuthPasetoErrorCode, number>>;
  readonly verifiedTokenCacheSize: number;
  readonly maxTokenLength: number;
  readonly accessCookieKey: string;
  readonly refreshCookieKey: string;
  readonly cookieCsrfProtect: boolean;
  readonly accessCsrfCookieKey: string;
  readonly refreshCsrfCookieKey: string;
  readonly csrfHeaderName: string;
  /** Upper-cased. */
  readonly csrfMethods: readonly string[];
  readonly cookieSecure: boolean;
  readonly cookieSameSite: CookieSameSite;
  readonly cookieDomain: string | undefined;
  readonly cookiePath: string;
  /** `undefined`: the token's remaining lifetime. */
  readonly cookieMaxAge: number | null | undefined;
}
