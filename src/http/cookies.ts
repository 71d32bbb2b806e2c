import { createHash, timingSafeEqual } from 'node:crypto';
import { ErrorMessages } from '../errors';
import type { ResolvedPasetoConfig } from '../config/options';
import type { PasetoAuthService } from '../service';
import { serviceSource } from '../service-source';
import type { VerifiedToken } from '../tokens/types';
import type { HttpRequestLike } from '../transport/http';

/**
 * The response methods the cookie helpers use. Structural, so no framework is needed: node's
 * `ServerResponse`, hence express 4 and 5 responses, fit. `Set-Cookie` headers already set on the
 * response are kept.
 */
export interface CookieResponseLike {
  getHeader(name: string): number | string | string[] | undefined;
  setHeader(name: string, value: string | string[]): unknown;
}

/** Options of {@link setAccessCookies} and {@link setRefreshCookies}. */
export interface SetAuthCookiesOptions {
  /** The service whose configuration applies and that opens the token. Default: `Container.get(PasetoAuthService)`. */
  auth?: PasetoAuthService;
  /** `Max-Age` in seconds of this call's cookies, `null` for session cookies. Default: the `cookieMaxAge` option. */
  maxAge?: number | null;
  /** The token is base64 of the PASETO (made with `base64Encode: true`). */
  base64Encoded?: boolean;
  /** The implicit assertion the token was made with. */
  implicitAssertion?: string | Uint8Array;
}

/** Options of the `unset*Cookies` helpers. */
export interface UnsetAuthCookiesOptions {
  /** The service whose cookie names and attributes apply. Default: `Container.get(PasetoAuthService)`. */
  auth?: PasetoAuthService;
}

type CookieConfig = Pick<ResolvedPasetoConfig, 'cookieSecure' | 'cookieSameSite' | 'cookieDomain' | 'cookiePath'>;

const SAME_SITE = { lax: 'Lax', strict: 'Strict', none: 'None' } as const;

/** One `Set-Cookie` value; `maxAge` 0 expires the cookie, `null` makes a session cookie. */
function serializeCookie(config: CookieConfig, name: string, value: string, maxAge: number | null, httpOnly: boolean): string {
  const parts = [`${name}=${encodeURIComponent(value)}`];
  if (maxAge !== null) {
    // Expires beside Max-Age for clients that only know the older attribute.
    parts.push(`Max-Age=${maxAge}`, `Expires=${new Date(maxAge === 0 ? 0 : Date.now() + maxAge * 1000).toUTCString()}`);
  }
  if (config.cookieDomain !== undefined) parts.push(`Domain=${config.cookieDomain}`);
  parts.push(`Path=${config.cookiePath}`);
  if (httpOnly) parts.push('HttpOnly');
  if (config.cookieSecure) parts.push('Secure');
  if (config.cookieSameSite !== null) parts.push(`SameSite=${SAME_SITE[config.cookieSameSite]}`);
  return parts.join('; ');
}

function appendSetCookie(response: CookieResponseLike, cookies: readonly string[]): void {
  if (typeof response !== 'object' || response === null || typeof response.setHeader !== 'function' || typeof response.getHeader !== 'function') {
    throw new TypeError('expected an HTTP response with getHeader() and setHeader() (a node or express response)');
  }
  const existing = response.getHeader('Set-Cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
  response.setHeader('Set-Cookie', [...list, ...cookies]);
}

function checkMaxAge(maxAge: number | null): void {
  if (maxAge !== null && !(Number.isSafeInteger(maxAge) && maxAge > 0)) throw new TypeError('maxAge must be a whole number of seconds > 0, or null');
}

async function setTokenCookies(
  response: CookieResponseLike,
  token: string,
  options: SetAuthCookiesOptions,
  refresh: boolean,
): Promise<string | null> {
  const service = serviceSource(options.auth).get();
  const config = service.config;
  // Opened, not just split: a local token is encrypted, and its csrf claim and exp are inside.
  // The type check also catches an access token handed to setRefreshCookies and the reverse.
  const verified = await service.verifyToken(token, {
    refreshToken: refresh,
    base64Encoded: options.base64Encoded,
    implicitAssertion: options.implicitAssertion,
  });
  const maxAge = options.maxAge !== undefined ? options.maxAge : config.cookieMaxAge !== undefined ? config.cookieMaxAge : remainingSeconds(verified);
  checkMaxAge(maxAge);
  const cookies = [serializeCookie(config, refresh ? config.refreshCookieKey : config.accessCookieKey, token, maxAge, true)];
  let csrf: string | null = null;
  if (config.cookieCsrfProtect) {
    const claim = verified.claims.csrf;
    if (typeof claim !== 'string' || claim === '') {
      throw new TypeError(
        "cookieCsrfProtect is on but the token has no csrf claim: put 'cookies' in the tokenLocation option so new tokens carry one (or set cookieCsrfProtect: false)",
      );
    }
    csrf = claim;
    // Not HttpOnly: the page's script reads it and echoes it in the CSRF header.
    cookies.push(serializeCookie(config, refresh ? config.refreshCsrfCookieKey : config.accessCsrfCookieKey, claim, maxAge, false));
  }
  appendSetCookie(response, cookies);
  return csrf;
}

/** Seconds until the token expires (at least 1), or `null` (a session cookie) for a token without `exp`. */
function remainingSeconds(verified: VerifiedToken): number | null {
  if (verified.expiresAt === null) return null;
  return Math.max(1, Math.ceil((verified.expiresAt.getTime() - Date.now()) / 1000));
}

/**
 * Sets an access token as cookies on a response (fastapi-jwt-auth's `set_access_cookies`): the
 * token in `accessCookieKey` (HttpOnly) and, with `cookieCsrfProtect`, its `csrf` claim in
 * `accessCsrfCookieKey` (readable by scripts). Attributes come from the `cookie*` options.
 * Async because the token is opened (verified) to read its `csrf` claim and expiry.
 *
 * @returns the CSRF value, or `null` when CSRF protection is off — for clients that cannot read
 *   the CSRF cookie (a page on another origin than the API)
 * @throws AuthPasetoError when the token does not verify as an access token; TypeError when CSRF
 *   protection is on but the token has no `csrf` claim
 */
export function setAccessCookies(response: CookieResponseLike, token: string, options: SetAuthCookiesOptions = {}): Promise<string | null> {
  return setTokenCookies(response, token, options, false);
}

/**
 * Sets a refresh token as cookies (fastapi-jwt-auth's `set_refresh_cookies`): `refreshCookieKey`
 * (HttpOnly) and `refreshCsrfCookieKey`. See {@link setAccessCookies}.
 */
export function setRefreshCookies(response: CookieResponseLike, token: string, options: SetAuthCookiesOptions = {}): Promise<string | null> {
  return setTokenCookies(response, token, options, true);
}

/** Which cookies an `unset*` helper expires. */
type CookieSet = 'access' | 'refresh';

function expireCookies(response: CookieResponseLike, options: UnsetAuthCookiesOptions, sets: readonly CookieSet[]): void {
  const config = serviceSource(options.auth).get().config;
  const cookies: string[] = [];
  for (const set of sets) {
    const [tokenCookie, csrfCookie] =
      set === 'access' ? [config.accessCookieKey, config.accessCsrfCookieKey] : [config.refreshCookieKey, config.refreshCsrfCookieKey];
    // Same Path and Domain as when set, or the browser keeps the original. The CSRF cookie goes
    // even with protection off, so none outlives a configuration change.
    cookies.push(serializeCookie(config, tokenCookie, '', 0, true), serializeCookie(config, csrfCookie, '', 0, false));
  }
  appendSetCookie(response, cookies);
}

/** Expires the access token and access CSRF cookies (fastapi-jwt-auth's `unset_access_cookies`). */
export function unsetAccessCookies(response: CookieResponseLike, options: UnsetAuthCookiesOptions = {}): void {
  expireCookies(response, options, ['access']);
}

/** Expires the refresh token and refresh CSRF cookies (fastapi-jwt-auth's `unset_refresh_cookies`). */
export function unsetRefreshCookies(response: CookieResponseLike, options: UnsetAuthCookiesOptions = {}): void {
  expireCookies(response, options, ['refresh']);
}

/** Expires every auth cookie, e.g. on logout (fastapi-jwt-auth's `unset_jwt_cookies`). */
export function unsetAuthCookies(response: CookieResponseLike, options: UnsetAuthCookiesOptions = {}): void {
  expireCookies(response, options, ['access', 'refresh']);
}

/** True when a token read from a cookie must be confirmed by the CSRF header on this request. */
export function csrfRequired(config: Pick<ResolvedPasetoConfig, 'cookieCsrfProtect' | 'csrfMethods'>, request: HttpRequestLike): boolean {
  return config.cookieCsrfProtect && request.method !== undefined && config.csrfMethods.includes(request.method.toUpperCase());
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * The double-submit check of a cookie-borne token: the CSRF header must equal its `csrf` claim.
 * A cross-site page can make the browser send the cookie but cannot read the CSRF cookie to copy it.
 * @throws AuthPasetoError `csrf_failed`
 */
export function checkCsrf(service: PasetoAuthService, request: HttpRequestLike, verified: VerifiedToken): void {
  const sent = request.headers[service.config.csrfHeaderName.toLowerCase()];
  if (typeof sent !== 'string' || sent === '') throw service.error('csrf_failed', ErrorMessages.csrfMissing);
  const claim = verified.claims.csrf;
  if (typeof claim !== 'string' || claim === '') throw service.error('csrf_failed', ErrorMessages.csrfClaimMissing);
  // Digests compared: constant time needs equal lengths, and this leaks neither content nor length.
  if (!timingSafeEqual(digest(sent), digest(claim))) throw service.error('csrf_failed', ErrorMessages.csrfMismatch);
}
