import { ErrorMessages } from '../errors';
import type { PasetoAuthService } from '../service';
import type {
  CreateAccessTokenOptions,
  CreateCustomTokenOptions,
  CreateRefreshTokenOptions,
  Footer,
  TokenPair,
  VerifiedToken,
} from '../tokens/types';
import type { HttpRequestLike } from '../transport/http';
import {
  setAccessCookies,
  setRefreshCookies,
  unsetAccessCookies,
  unsetAuthCookies,
  unsetRefreshCookies,
  type CookieResponseLike,
  type SetAuthCookiesOptions,
} from './cookies';
import { refuseRequest } from './refuse';
import type { PasetoRequirementOptions } from './requirement';
import { authenticateRequest, requestState } from './request-state';

/** Options of {@link AuthPaseto.pasetoRequired}: a route requirement plus an explicit token. */
export interface PasetoRequiredCallOptions extends Omit<PasetoRequirementOptions, 'roles' | 'anyRole'> {
  /** An explicit token: the request is not searched (fastapi-paseto's `token=`). */
  token?: string;
}

/**
 * The per-request handle injected by `@Auth()`: the counterpart of fastapi-paseto's `AuthPASETO`
 * dependency, with its methods in camelCase. It starts with what the route guard verified (if the
 * route has one); {@link pasetoRequired} checks (again, or for the first time) with other options.
 * Verifications are shared with the checkers: the same token and requirement verify once per request.
 */
export class AuthPaseto {
  private current: VerifiedToken | null;

  /**
   * @param service - the service that verifies and creates tokens
   * @param request - the request searched for tokens
   * @param response - the response that gets `WWW-Authenticate` when a check fails
   */
  constructor(
    readonly service: PasetoAuthService,
    private readonly request: HttpRequestLike,
    private readonly response?: unknown,
  ) {
    const guard = requestState(request).guard;
    this.current = guard && guard.service === service ? guard.verified : null;
  }

  /**
   * fastapi-paseto's `paseto_required`: finds the token (or takes `token`), verifies it against the
   * options and makes it this handle's current token. Resolves to it, or `null` for an anonymous
   * request on an `optional` check.
   * @throws AuthPasetoError (after setting `WWW-Authenticate` on the response)
   */
  async pasetoRequired(options: PasetoRequiredCallOptions = {}): Promise<VerifiedToken | null> {
    try {
      this.current = await authenticateRequest(this.service, this.request, options);
      return this.current;
    } catch (error) {
      this.current = null;
      throw refuseRequest(this.service, this.request, this.response, error);
    }
  }

  /** The current verified token, or `null`. */
  getVerifiedToken(): VerifiedToken | null {
    return this.current;
  }

  /**
   * The `sub` of the current token (fastapi-paseto's `get_subject` / `get_paseto_subject`), for
   * the usual guarded route where a token is there. On an anonymous request (an optional route,
   * or no guard) use {@link getSubjectOrNull}.
   * @throws AuthPasetoError `token_missing` (after setting `WWW-Authenticate`) when there is no current token
   */
  getSubject(): string | number {
    const subject = this.current?.subject;
    if (subject === undefined) {
      throw refuseRequest(this.service, this.request, this.response, this.service.error('token_missing', ErrorMessages.tokenMissing));
    }
    return subject;
  }

  /** The `sub` of the current token, or `null` when the request is anonymous. */
  getSubjectOrNull(): string | number | null {
    return this.current?.subject ?? null;
  }

  /** Every claim of the current token, or `null`. */
  getTokenPayload(): Readonly<Record<string, unknown>> | null {
    return this.current?.claims ?? null;
  }

  /** The `jti` of the current token, or `null`. */
  getJti(): string | null {
    return this.current?.jti ?? null;
  }

  /** The footer of the current token (parsed JSON object or string), or `null`. */
  getTokenFooter(): Footer {
    return this.current?.footer ?? null;
  }

  /**
   * Rotates the request's refresh token ({@link PasetoAuthService.rotateRefreshToken}): the one a
   * `@RefreshTokenRequired()` guard verified, else the refresh token found in the request. Resolves
   * to the next pair of the session; the presented refresh token is spent, and presenting it again
   * revokes the session (`refresh_token_reused`).
   * @throws AuthPasetoError (after setting `WWW-Authenticate` on the response)
   */
  async rotateRefreshToken(): Promise<TokenPair> {
    const refresh = this.current?.type === 'refresh' ? this.current : await this.pasetoRequired({ refreshToken: true });
    return this.reporting(() => this.service.rotateRefreshToken((refresh as VerifiedToken).token));
  }

  /**
   * Revokes the session of the request's current token ({@link PasetoAuthService.revokeSession}):
   * every token of that login, on every node, and their live sockets — the "log out" of a session.
   * @throws AuthPasetoError `token_missing` without a current token, `invalid_argument` for a token
   *   made outside a session (no `sid`), `denylist_unavailable` when the store fails
   */
  async revokeSession(): Promise<void> {
    await this.reporting(async () => {
      const current = this.current;
      if (current === null) throw this.service.error('token_missing', ErrorMessages.tokenMissing);
      if (current.sessionId === null) throw this.service.error('invalid_argument', ErrorMessages.tokenWithoutSession);
      await this.service.revokeSession(current);
    });
  }

  /** Runs `call`; a failure is a refusal of the request (`WWW-Authenticate`, failure listeners). */
  private async reporting<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw refuseRequest(this.service, this.request, this.response, error, this.current);
    }
  }

  /** Creates an access token with the service. */
  createAccessToken(options: CreateAccessTokenOptions): Promise<string> {
    return this.service.createAccessToken(options);
  }

  /** Creates a refresh token with the service. */
  createRefreshToken(options: CreateRefreshTokenOptions): Promise<string> {
    return this.service.createRefreshToken(options);
  }

  /** Creates a token of a custom type with the service. */
  createToken(options: CreateCustomTokenOptions): Promise<string> {
    return this.service.createToken(options);
  }

  /**
   * Sets an access token and its CSRF value as cookies on this request's response
   * (fastapi-jwt-auth's `set_access_cookies`); see the `setAccessCookies` function.
   * @returns the CSRF value, or `null` when CSRF protection is off
   */
  setAccessCookies(token: string, options: Omit<SetAuthCookiesOptions, 'auth'> = {}): Promise<string | null> {
    return setAccessCookies(this.cookieResponse(), token, { ...options, auth: this.service });
  }

  /** Sets a refresh token and its CSRF value as cookies (fastapi-jwt-auth's `set_refresh_cookies`). */
  setRefreshCookies(token: string, options: Omit<SetAuthCookiesOptions, 'auth'> = {}): Promise<string | null> {
    return setRefreshCookies(this.cookieResponse(), token, { ...options, auth: this.service });
  }

  /** Expires the access cookies (fastapi-jwt-auth's `unset_access_cookies`). */
  unsetAccessCookies(): void {
    unsetAccessCookies(this.cookieResponse(), { auth: this.service });
  }

  /** Expires the refresh cookies (fastapi-jwt-auth's `unset_refresh_cookies`). */
  unsetRefreshCookies(): void {
    unsetRefreshCookies(this.cookieResponse(), { auth: this.service });
  }

  /** Expires every auth cookie, e.g. on logout (fastapi-jwt-auth's `unset_jwt_cookies`). */
  unsetAuthCookies(): void {
    unsetAuthCookies(this.cookieResponse(), { auth: this.service });
  }

  private cookieResponse(): CookieResponseLike {
    const response = this.response as Partial<CookieResponseLike> | undefined;
    if (typeof response?.setHeader !== 'function' || typeof response.getHeader !== 'function') {
      throw new TypeError('this AuthPaseto handle has no HTTP response to set cookies on (it is made by @Auth() in a route)');
    }
    return response as CookieResponseLike;
  }
}
