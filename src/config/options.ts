/**
 * Every option of {@link PasetoAuthService}, declared once: its default, its check (the message
 * of a wrong value) and how it is normalised. The `PasetoAuthOptions` type, the resolved
 * configuration's type and `DEFAULTS` all come from this table.
 */
import type { PasetoClock } from '../clock';
import type { DenylistStore, TokenInDenylistLoader } from '../denylist/store';
import { DEFAULT_STATUS_CODES, type AuthPasetoErrorCode } from '../errors';
import type { KeySetOptions } from '../keys/remote-key-set';
import * as check from './schema';
import type { CookieSameSite, HttpTokenLocation, KeyMaterial, PasetoKeyOptions, PasetoPurpose, PasetoVersion, SocketTokenLocation } from './types';

export type * from './types';

/** One option: `In` as given, `Out` as resolved. */
interface OptionSpec<In, Out> {
  /** Checks a given value (never `undefined`): the problem, or `null`. */
  readonly check: check.Check;
  /** The resolved value when not given; a function reads the other options given. */
  readonly default: Out | ((given: Readonly<Record<string, unknown>>) => Out);
  /** Normalises a given, checked value. Default: the value itself. */
  readonly resolve?: (value: In) => Out;
  /** False for options the service holds itself (keys, stores, clock): not in the resolved configuration. */
  readonly inConfig?: false;
  /** Type carriers only (never set). */
  readonly input?: In;
  readonly output?: Out;
}

const option = <In, Out = In>(spec: OptionSpec<In, Out>): OptionSpec<In, Out> => spec;
const held = <In>(optionCheck: check.Check): OptionSpec<In, undefined> & { readonly inConfig: false } => ({ check: optionCheck, default: undefined, inConfig: false });
const frozenList = <T>(value: readonly T[]): readonly T[] => Object.freeze([...value]);
const toList = (value: string | readonly string[]): readonly string[] => Object.freeze(typeof value === 'string' ? [value] : [...value]);
const THIRTY_DAYS = 30 * 24 * 60 * 60;
const NON_EMPTY = check.nonEmptyString();

export const OPTIONS = {
  /** Where HTTP requests carry tokens, searched in this order. Default `['headers']`. */
  tokenLocation: option<HttpTokenLocation[], readonly HttpTokenLocation[]>({ check: check.locations(check.HTTP_LOCATIONS), default: frozenList(['headers']), resolve: frozenList }),
  /** Where socket handshakes carry tokens, searched in this order. Default `['auth', 'headers', 'query']`. */
  websocketTokenLocation: option<SocketTokenLocation[], readonly SocketTokenLocation[]>({
    check: check.locations(check.SOCKET_LOCATIONS),
    default: frozenList(['auth', 'headers', 'query']),
    resolve: frozenList,
  }),
  /** Purpose of new tokens and of the top-level key. Default `'local'` (`'public'` with `keySetUrl` and no key option). */
  purpose: option<PasetoPurpose>({ check: check.oneOf(['local', 'public'], "expected 'local' or 'public'"), default: 'local' }),
  /** Version of new tokens and of the top-level key. Default `4`. */
  version: option<PasetoVersion>({ check: check.oneOf([3, 4], 'expected 3 or 4'), default: 4 }),
  /** Symmetric key for `local` tokens. */
  secretKey: held<KeyMaterial>(check.keyMaterial),
  secretKeyFile: held<string>(check.filePath),
  /** Signing key for `public` tokens. */
  privateKey: held<KeyMaterial>(check.keyMaterial),
  privateKeyFile: held<string>(check.filePath),
  /** Verification key for `public` tokens. */
  publicKey: held<KeyMaterial>(check.keyMaterial),
  publicKeyFile: held<string>(check.filePath),
  /**
   * Key ring for rotation. The first key signs new tokens (it must hold signing material);
   * every key verifies. Tokens name their key by PASERK id (`kid` in the footer).
   * When given, the top-level key fields must be absent.
   */
  keys: held<PasetoKeyOptions[]>(check.keyList),
  /**
   * URL of an issuer's published key set (`auth.publicKeySet()` served, by convention at
   * `/.well-known/paseto-keys`): its `k{version}.public` keys verify tokens besides any configured
   * key, and no key option is needed. Fetched at start, again for a token naming an unknown key
   * (rate limited) and when older than `keySetOptions.maxAgeMs`; a failed fetch keeps the keys held.
   */
  keySetUrl: held<string>(check.keySetUrl),
  /** Timeouts, rate limit and error listener of the `keySetUrl` fetches. */
  keySetOptions: held<KeySetOptions>(check.plainObject),
  /** Seconds of clock skew accepted on `exp` and `nbf`. Default `0`. */
  decodeLeeway: option<number>({ check: check.seconds, default: 0 }),
  /** `iss` put on new tokens. */
  encodeIssuer: option<string, string | undefined>({ check: NON_EMPTY, default: undefined }),
  /** Required `iss` of verified tokens (one of these). */
  decodeIssuer: option<string | string[], readonly string[] | undefined>({ check: check.stringOrList, default: undefined, resolve: toList }),
  /** Required `aud` of verified tokens: a token passes when its `aud` shares a value with this. */
  decodeAudience: option<string | string[], readonly string[] | undefined>({ check: check.stringOrList, default: undefined, resolve: toList }),
  /** Refuse tokens without `exp`. Default `false` (as fastapi-paseto). */
  requireExpiry: option<boolean>({ check: check.boolean, default: false }),
  /** Check the denylist on verification. Default `false`. */
  denylistEnabled: option<boolean>({ check: check.boolean, default: false }),
  /**
   * Refuse tokens without a `jti` claim (a non-empty string), which could not be revoked one by
   * one. Default: `true` when `denylistEnabled`, else `false`.
   */
  requireJti: option<boolean>({ check: check.boolean, default: (given) => given.denylistEnabled === true }),
  /** Token types whose revocation is checked. Default `['access', 'refresh']`. */
  denylistTokenChecks: option<string[], readonly string[]>({ check: check.tokenTypes, default: frozenList(['access', 'refresh']), resolve: frozenList }),
  /** The denylist store. Default: an in-memory store. */
  denylist: held<DenylistStore>(check.denylistStore),
  /**
   * Time source in milliseconds (`{ now(): number }`, optionally `schedule`) for token times, their
   * checks, the verified-token cache, the default in-memory denylist and live-session timers.
   * Default: the system clock.
   */
  clock: held<PasetoClock>(check.clock),
  /** fastapi-paseto's `token_in_denylist_loader`: true when the token is revoked; may be async. */
  tokenInDenylistLoader: held<TokenInDenylistLoader>(check.loader),
  /** Header carrying the token. Default `'Authorization'`. */
  headerName: option<string>({ check: check.headerName(), default: 'Authorization' }),
  /** Scheme before the token in the header; `null` for a bare token. Default `'Bearer'`. */
  headerType: option<string | null>({ check: check.headerType, default: 'Bearer' }),
  /** JSON body key of the token. Default `'access_token'`. */
  jsonKey: option<string>({ check: NON_EMPTY, default: 'access_token' }),
  /** JSON body key of a refresh token. Default `'refresh_token'`. */
  jsonRefreshKey: option<string>({ check: NON_EMPTY, default: 'refresh_token' }),
  /** Prefix before the token in the JSON value; `null` for a bare token. Default `null`. */
  jsonType: option<string | null>({ check: check.prefixOrNull, default: null }),
  /** Query parameter of HTTP requests (location `query`). Default `'token'`. */
  queryKey: option<string>({ check: NON_EMPTY, default: 'token' }),
  /** Query parameter of socket handshakes. Default `'token'`. */
  websocketQueryKey: option<string>({ check: NON_EMPTY, default: 'token' }),
  /** Prefix before the token in the socket query value; `null` for a bare token. Default `null`. */
  websocketQueryType: option<string | null>({ check: check.prefixOrNull, default: null }),
  /** Lifetime of access tokens in seconds, or `false` for none. Default `900`. */
  accessTokenExpires: option<number | false>({ check: check.lifetime, default: 900 }),
  /** Lifetime of refresh tokens in seconds, or `false`. Default 30 days. */
  refreshTokenExpires: option<number | false>({ check: check.lifetime, default: THIRTY_DAYS }),
  /** Lifetime of custom-type tokens in seconds, or `false`. Default 30 days. */
  otherTokenExpires: option<number | false>({ check: check.lifetime, default: THIRTY_DAYS }),
  /** Claim holding roles: a list, or a space-separated string (as OAuth `scope`). Default `'roles'`. */
  rolesClaim: option<string>({ check: check.claimName, default: 'roles' }),
  /** HTTP status per error code, e.g. `{ invalid_token: 422 }`. */
  statusCodes: option<Partial<Record<AuthPasetoErrorCode, number>>, Readonly<Record<AuthPasetoErrorCode, number>>>({
    check: check.statusCodes,
    default: DEFAULT_STATUS_CODES,
    resolve: (value) => Object.freeze({ ...DEFAULT_STATUS_CODES, ...value }),
  }),
  /** Entries of the verified-token cache (least recently used leaves first); `0` disables it. Default `10000`. */
  verifiedTokenCacheSize: option<number>({ check: check.wholeNumber(0, 'expected a whole number >= 0'), default: 10_000 }),
  /**
   * Longest token accepted, in characters, checked before anything is decoded: a longer one is
   * refused with `invalid_token` ("Token is too long"). A `base64Encoded` token may be 4/3 as long.
   * Default `8192`, far above any real token (an access token with a few claims is ~300).
   */
  maxTokenLength: option<number>({
    check: check.wholeNumber(check.MIN_TOKEN_LENGTH, `expected a whole number of characters >= ${check.MIN_TOKEN_LENGTH}`),
    default: 8192,
  }),
  /** Cookie of access tokens (location `cookies`). Default `'access_token_cookie'`. */
  accessCookieKey: option<string>({ check: check.cookieName, default: 'access_token_cookie' }),
  /** Cookie of refresh tokens, read on refresh routes. Default `'refresh_token_cookie'`. */
  refreshCookieKey: option<string>({ check: check.cookieName, default: 'refresh_token_cookie' }),
  /**
   * Double-submit CSRF protection of cookie-borne tokens. When on and `'cookies'` is in
   * `tokenLocation`, new tokens carry a random `csrf` claim; a request whose token came from a
   * cookie, with a method in `csrfMethods`, must send that value in the `csrfHeaderName` header.
   * Default `true`.
   */
  cookieCsrfProtect: option<boolean>({ check: check.boolean, default: true }),
  /** Cookie holding the access token's `csrf` claim, readable by scripts. Default `'csrf_access_token'`. */
  accessCsrfCookieKey: option<string>({ check: check.cookieName, default: 'csrf_access_token' }),
  /** Cookie holding the refresh token's `csrf` claim, readable by scripts. Default `'csrf_refresh_token'`. */
  refreshCsrfCookieKey: option<string>({ check: check.cookieName, default: 'csrf_refresh_token' }),
  /** Header carrying the CSRF value (access and refresh routes alike). Default `'X-CSRF-Token'`. */
  csrfHeaderName: option<string>({ check: check.headerName('expected a header name'), default: 'X-CSRF-Token' }),
  /** Methods whose cookie-borne tokens need the CSRF header (case-insensitive; upper-cased). Default `['POST', 'PUT', 'PATCH', 'DELETE']`. */
  csrfMethods: option<string[], readonly string[]>({
    check: check.methods,
    default: frozenList(['POST', 'PUT', 'PATCH', 'DELETE']),
    resolve: (value) => Object.freeze(value.map((method) => method.toUpperCase())),
  }),
  /** `Secure` attribute of the auth cookies (sent over HTTPS only). Default `true`. */
  cookieSecure: option<boolean>({ check: check.boolean, default: true }),
  /** `SameSite` attribute of the auth cookies; `'none'` needs `cookieSecure`. Default `'lax'`. */
  cookieSameSite: option<CookieSameSite>({ check: check.sameSite, default: 'lax' }),
  /** `Domain` attribute of the auth cookies. Default: none (the cookie is host-only). */
  cookieDomain: option<string, string | undefined>({ check: check.cookieDomain, default: undefined }),
  /** `Path` attribute of the auth cookies. Default `'/'`. */
  cookiePath: option<string>({ check: check.cookiePath, default: '/' }),
  /**
   * `Max-Age` of the auth cookies in seconds; `null` for session cookies (gone when the browser
   * closes). Default (`undefined`): the remaining lifetime of the token set (a session cookie for a token without `exp`).
   */
  cookieMaxAge: option<number | null, number | null | undefined>({ check: check.cookieMaxAge, default: undefined }),
};

type Table = typeof OPTIONS;
type InputOf<O> = O extends { readonly input?: infer In } ? In : never;
type OutputOf<O> = O extends { readonly output?: infer Out } ? Out : never;
type ConfigName = { [K in keyof Table]: Table[K] extends { inConfig: false } ? never : K }[keyof Table];

/**
 * Options of {@link PasetoAuthService}: the camelCase of fastapi-paseto's `authpaseto_*`
 * settings, plus ours. Every field is optional but key material; unknown fields are refused.
 */
export type PasetoAuthOptions = { [K in keyof Table]?: InputOf<Table[K]> | undefined };

/** {@link PasetoAuthOptions} with every default filled in and validated; frozen. */
export type ResolvedPasetoConfig = { readonly [K in ConfigName]: OutputOf<Table[K]> };
