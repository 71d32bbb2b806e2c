import { Inject, Service, Token } from 'typedi';
import { AuthPasetoError, ErrorMessages, PasetoConfigError, type AuthPasetoErrorCode } from './errors';
import type { PasetoAuthOptions, PasetoPurpose, ResolvedPasetoConfig } from './config/options';
import { resolveOptions } from './config/resolve';
import { KeyRing, type PasetoKey } from './keys/key-ring';
import { publicKeySetOf, type PasetoKeySet } from './keys/key-set';
import { RemoteKeySet } from './keys/remote-key-set';
import { issueToken } from './tokens/issue';
import { TokenFailure } from './tokens/failure';
import { openToken, unwrapToken, verifiedToken } from './tokens/open';
import { checkTimes, checkTokenType, checkTypeRequirement, validateClaims, type ClaimsRequirement } from './tokens/validate';
import { assertionBytes } from './tokens/footer';
import { VerifiedTokenCache, type CachedVerification } from './tokens/verified-cache';
import { supportsSessions, type DenylistStore, type Revocation, type RevocableToken, type SessionDenylistStore, type TokenInDenylistLoader } from './denylist/store';
import { RevocationFeed } from './denylist/feed';
import { isSessionId, newSessionId } from './tokens/claims';
import { carriedClaims, checkSessionLifetime, longestLifetimeFrom, looksLikeToken } from './tokens/session';
import { MemoryDenylist } from './denylist/memory';
import { askDenylist } from './denylist/ask';
import { systemClock, type PasetoClock } from './clock';
import { andThen, isPromiseLike, type MaybePromise } from './maybe-promise';
import { AuthFailureListeners, refusedTokenOf, withRefusedToken, type AuthFailureListener, type FailureContext } from './events';
import type {
  AuthenticateOptions,
  CreateAccessTokenOptions,
  CreateCustomTokenOptions,
  CreateRefreshTokenOptions,
  CreateTokenBaseOptions,
  CreateTokenPairOptions,
  RoleRequirement,
  TokenPair,
  VerifiedToken,
  VerifyTokenOptions,
} from './tokens/types';

/** The typedi token of the options: `Container.set(PASETO_CONFIG, options)` before `Container.get(PasetoAuthService)`. */
export const PASETO_CONFIG = new Token<PasetoAuthOptions>('paseto-controllers.config');

/** Told of a revocation the service accepted; see {@link PasetoAuthService.onRevoke}. */
export type RevocationListener = (token: RevocableToken) => void;

/** Failures that an optional route treats as "no usable token" (fastapi-paseto's decode errors). */
const ANONYMOUS_WHEN_OPTIONAL: ReadonlySet<AuthPasetoErrorCode> = new Set<AuthPasetoErrorCode>([
  'invalid_token',
  'token_expired',
  'token_not_active',
  'invalid_issuer',
  'invalid_audience',
]);


/**
 * Creates, verifies and revokes PASETO tokens: the one façade the HTTP and Socket.IO adapters call.
 * Construct it by hand with options, or through typedi with {@link PASETO_CONFIG}.
 * Options are validated and keys imported once, here: a mistake throws {@link PasetoConfigError}.
 */
@Service()
export class PasetoAuthService {
  /** The options with every default filled in. */
  readonly config: ResolvedPasetoConfig;
  /** The time source of token times, the cache, the default denylist and live-session timers (option `clock`). */
  readonly clock: PasetoClock;
  readonly #keyRing: KeyRing;
  readonly #denylist: DenylistStore;
  readonly #denylistLoader: TokenInDenylistLoader | undefined;
  readonly #cache: VerifiedTokenCache;
  readonly #claimRules: ClaimsRequirement;
  readonly #useKid: boolean;
  readonly #keySet: RemoteKeySet | undefined;
  // Wrapper objects, so one function subscribed twice holds two independent subscriptions.
  readonly #revocationListeners = new Set<{ readonly listener: RevocationListener }>();
  readonly #feed: RevocationFeed;
  // The latest subject cut-off of this process: tokens issued after it get a later iat, even on a frozen clock.
  #lastCutOff = Number.NEGATIVE_INFINITY;
  readonly #failureListeners = new AuthFailureListeners();

  constructor(@Inject(PASETO_CONFIG) options: PasetoAuthOptions = {}) {
    const resolved = resolveOptions(options);
    this.config = resolved.config;
    this.clock = options.clock ?? systemClock;
    const cache = new VerifiedTokenCache(this.config.verifiedTokenCacheSize);
    this.#cache = cache;
    this.#keySet =
      options.keySetUrl === undefined
        ? undefined
        : new RemoteKeySet(options.keySetUrl, options.keySetOptions, { version: this.config.version, clock: this.clock, onKeysRemoved: () => cache.clear() });
    this.#keyRing = KeyRing.fromOptions(resolved.keys, resolved.keyField, this.#keySet);
    this.#useKid = options.keys !== undefined;
    this.#denylist = options.denylist ?? new MemoryDenylist({ clock: this.clock });
    this.#denylistLoader = options.tokenInDenylistLoader;
    this.#feed = new RevocationFeed(this.#denylist);
    this.#claimRules = Object.freeze({
      leewayMs: this.config.decodeLeeway * 1000,
      issuer: this.config.decodeIssuer,
      audience: this.config.decodeAudience,
      requireExpiry: this.config.requireExpiry,
      requireJti: this.config.requireJti,
    });
    // Last: no fetch for a service that fails to construct.
    this.#keySet?.start();
  }

  /**
   * The public keys of this service's ring as PASERK (`k4.public.…`), signer first, to serve at
   * `/.well-known/paseto-keys` for services configured with `keySetUrl`. Local and secret keys are
   * never included; a ring without public keys gives `{ keys: [] }`.
   */
  publicKeySet(): PasetoKeySet {
    return publicKeySetOf(this.#keyRing);
  }

  /**
   * Resolves once the key set of `keySetUrl` is held (at once without `keySetUrl`); rejects with
   * a `KeySetError` when the latest fetch failed and no set is held. Verification does not need it
   * (a token waits for the fetch under way); await it at start to fail fast or to log.
   */
  ready(): Promise<void> {
    return this.#keySet?.ready() ?? Promise.resolve();
  }

  /** An access token (`type: 'access'`), fresh when `fresh: true`. */
  createAccessToken(options: CreateAccessTokenOptions): Promise<string> {
    return this.issue('access', options, options.fresh ?? false);
  }

  /** A refresh token (`type: 'refresh'`). */
  createRefreshToken(options: CreateRefreshTokenOptions): Promise<string> {
    return this.issue('refresh', options, undefined);
  }

  /** A token of a custom `type`. */
  createToken(options: CreateCustomTokenOptions): Promise<string> {
    return this.issue(options.type, options, options.type === 'access' ? (options.fresh ?? false) : undefined);
  }

  /**
   * An access token and a refresh token of a new session: both carry the same new random `sid`
   * (see {@link revokeSession}), the access token is fresh when `fresh: true`, and the other options
   * (subject, lifetime, user claims, audience, ...) apply to both.
   */
  async createTokenPair(options: CreateTokenPairOptions): Promise<TokenPair> {
    if (typeof options !== 'object' || options === null) throw new TypeError('token options must be an object');
    if ((options as { sessionId?: unknown }).sessionId !== undefined) {
      throw new TypeError('createTokenPair makes a new session: pass sessionId to createAccessToken or createRefreshToken to join one');
    }
    const sessionId = newSessionId();
    const { fresh, ...rest } = options;
    const accessToken = await this.issue('access', { ...rest, sessionId }, fresh ?? false);
    const refreshToken = await this.issue('refresh', { ...rest, sessionId }, undefined);
    return { accessToken, refreshToken, sessionId };
  }

  /**
   * Spends a refresh token of a session and issues the next pair of that session: same subject,
   * `sid`, purpose and audience, the refresh token's user claims, default lifetimes, not fresh.
   * A refresh token presented again after it was spent is **reuse** (stolen, or replayed): the whole
   * session is revoked and the call fails with `refresh_token_reused`. Of concurrent rotations of one
   * refresh token exactly one succeeds (atomically across processes sharing the store).
   * @throws AuthPasetoError `wrong_token_type` for another type of token (the session is untouched),
   *   `invalid_argument` for a refresh token without `sid` or `jti`, `token_revoked`,
   *   `refresh_token_reused`, `denylist_unavailable`, and every verification failure
   * @throws PasetoConfigError unless `denylistEnabled` and the store supports sessions
   */
  async rotateRefreshToken(refreshToken: string, options: Pick<VerifyTokenOptions, 'base64Encoded' | 'implicitAssertion'> = {}): Promise<TokenPair> {
    const store = this.#sessionStore('rotate refresh tokens');
    const verified = await this.verifyToken(refreshToken, { ...options, refreshToken: true });
    const { sessionId, jti } = verified;
    if (sessionId === null || jti === null) throw this.error('invalid_argument', ErrorMessages.sessionMissing);
    // Rotation relies on the session's revocation even when refresh tokens are not checked on verification.
    if (!this.isRevocationChecked(verified) && (await this.#asAuthError(() => askDenylist(this.#denylist, this.#denylistLoader, verified)))) {
      throw this.error('token_revoked', ErrorMessages.revoked);
    }
    const spent = await this.#store(() => store.spend(jti, this.#entryUntil(verified.expiresAt?.getTime() ?? null)));
    if (spent !== true) {
      await this.revokeSession(sessionId);
      throw this.error('refresh_token_reused', ErrorMessages.refreshTokenReused);
    }
    const next: CreateTokenBaseOptions = {
      subject: verified.subject,
      sessionId,
      purpose: verified.purpose,
      userClaims: carriedClaims(verified.claims),
      ...(verified.claims.aud === undefined ? {} : { audience: verified.claims.aud as string | string[] }),
    };
    const accessToken = await this.issue('access', next, false);
    return { accessToken, refreshToken: await this.issue('refresh', next, undefined), sessionId };
  }

  /**
   * Revokes every token of a session (`sid`), on every process sharing the store, and ends their
   * live sockets. Takes the session id, or a token of the session (a string that must verify, or a
   * {@link VerifiedToken}). The entry is kept as long as a token of the session can be valid.
   * @throws AuthPasetoError `denylist_unavailable` when the store fails (the revocation has not happened)
   * @throws TypeError for a token without `sid`
   * @throws PasetoConfigError unless `denylistEnabled` and the store supports sessions
   */
  async revokeSession(sessionIdOrToken: string | VerifiedToken, options: Pick<VerifyTokenOptions, 'base64Encoded' | 'implicitAssertion'> = {}): Promise<void> {
    const store = this.#sessionStore('revoke sessions');
    let sessionId: string | null;
    if (typeof sessionIdOrToken === 'string' && !looksLikeToken(sessionIdOrToken) && options.base64Encoded !== true) {
      if (!isSessionId(sessionIdOrToken)) throw new TypeError('sessionId must be a non-empty string of at most 128 characters');
      sessionId = sessionIdOrToken;
    } else {
      sessionId = typeof sessionIdOrToken === 'string' ? this.#asAuthError(() => this.#open(sessionIdOrToken, options)).verified.sessionId : sessionIdOrToken.sessionId;
    }
    if (sessionId === null) throw new TypeError('cannot revoke the session of a token without a sid claim');
    const id = sessionId;
    await this.#store(() => store.revokeSession(id, this.#entryUntil(longestLifetimeFrom(this.config, this.clock.now()))));
  }

  /**
   * "Log out everywhere": revokes every token of `subject` issued until now, on every process
   * sharing the store, and ends their live sockets. Tokens issued after it resolves work (`iat` has
   * millisecond precision; this process never issues a token in the cut-off's millisecond).
   * @throws AuthPasetoError `denylist_unavailable` when the store fails (the revocation has not happened)
   * @throws PasetoConfigError unless `denylistEnabled` and the store supports sessions
   */
  async revokeSubject(subject: string | number): Promise<void> {
    const store = this.#sessionStore('revoke subjects');
    if (!((typeof subject === 'string' && subject !== '') || (typeof subject === 'number' && Number.isSafeInteger(subject)))) {
      throw new TypeError('subject must be a non-empty string or a safe integer');
    }
    const cutOff = this.clock.now();
    this.#lastCutOff = Math.max(this.#lastCutOff, cutOff);
    await this.#store(() => store.revokeSubject(subject, cutOff, this.#entryUntil(longestLifetimeFrom(this.config, cutOff))));
  }

  /**
   * Calls `listener` for every revocation (a token id, a session, a subject's tokens up to a cut-off)
   * that this process must honour: made by this service, or, with a store that reports them (such as
   * `MemoryDenylist` and `RedisDenylist`), by any process sharing the store. The socket adapter ends
   * live sockets with it. A listener that throws is ignored.
   * @returns a function removing this subscription
   */
  onRevocation(listener: (revocation: Revocation) => void): () => void {
    return this.#feed.subscribe(listener);
  }

  /**
   * Verifies a token and what the caller requires of it, in fastapi-paseto's order: format,
   * version and purpose, key, time claims, issuer, audience, denylist, type, freshness.
   * @throws AuthPasetoError with the code of the first failed check
   */
  async verifyToken(token: string, options: VerifyTokenOptions = {}): Promise<VerifiedToken> {
    return this.#asAuthError(() => this.#verify(token, options));
  }

  /**
   * The whole requirement of a route or namespace for a token found (or not) in a request:
   * `null` means anonymous, allowed only with `optional`.
   */
  async authenticate(token: string | undefined, options: AuthenticateOptions = {}): Promise<VerifiedToken | null> {
    return this.authenticateNow(token, options);
  }

  /**
   * {@link authenticate} for the adapters' hot path: it answers synchronously (a value, or a
   * thrown {@link AuthPasetoError}) unless a denylist store has to be waited for. Not public API.
   * @internal
   */
  authenticateNow(token: string | undefined, options: AuthenticateOptions = {}): MaybePromise<VerifiedToken | null> {
    return this.#asAuthError(() => {
      if (token === undefined || token === '') {
        checkTypeRequirement(options);
        if (options.optional) return null;
        throw new TokenFailure('token_missing', ErrorMessages.tokenMissing);
      }
      const anonymousIfOptional = (error: unknown): null => {
        if (options.optional && error instanceof TokenFailure && ANONYMOUS_WHEN_OPTIONAL.has(error.code)) return null;
        throw error;
      };
      let verified: MaybePromise<VerifiedToken>;
      try {
        verified = this.#verify(token, options);
      } catch (error) {
        return anonymousIfOptional(error);
      }
      return isPromiseLike(verified) ? Promise.resolve(verified).catch(anonymousIfOptional) : verified;
    });
  }

  /** The roles of a token: its `rolesClaim` as a list, or a space-separated string split (as OAuth `scope`). */
  rolesOf(verified: VerifiedToken): string[] {
    const value = verified.claims[this.config.rolesClaim];
    if (typeof value === 'string') return value.split(/\s+/).filter((role) => role !== '');
    if (Array.isArray(value)) return value.filter((role): role is string => typeof role === 'string');
    return [];
  }

  /**
   * Throws `insufficient_role` unless the token holds every `all` role and, when `any` is given, one
   * of them. Roles need a token: an anonymous (optional) caller fails with `token_missing`.
   */
  checkRoles(verified: VerifiedToken | null, requirement: RoleRequirement): void {
    const { all = [], any = [] } = requirement;
    if (all.length === 0 && any.length === 0) return;
    if (verified === null) throw this.error('token_missing', ErrorMessages.tokenMissing);
    const roles = new Set(this.rolesOf(verified));
    if (!all.every((role) => roles.has(role)) || (any.length > 0 && !any.some((role) => roles.has(role)))) {
      throw withRefusedToken(this.error('insufficient_role', ErrorMessages.insufficientRole), verified);
    }
  }

  /**
   * Puts a token's `jti` on the denylist until its `exp` plus `decodeLeeway` (the last moment it
   * would verify). Takes a token string (any type; it must still verify: pass `base64Encoded` /
   * `implicitAssertion` as it was made) or a {@link VerifiedToken}.
   * @returns whether verification refuses the token from now on: `false` when its type is not in
   *   `denylistTokenChecks` (the entry is stored all the same, so a later configuration honours it)
   * @throws TypeError for a token without a `jti` (it could not be told apart from others)
   */
  async revokeToken(token: string | VerifiedToken, options: Pick<VerifyTokenOptions, 'base64Encoded' | 'implicitAssertion'> = {}): Promise<boolean> {
    if (!this.config.denylistEnabled) {
      throw new PasetoConfigError('denylistEnabled', 'must be true to revoke tokens: with the denylist off a revoked token would still be accepted');
    }
    const verified = typeof token === 'string' ? this.#asAuthError(() => this.#open(token, options)).verified : token;
    // Tokens without a jti (made elsewhere with a shared key) cannot be told apart from one another.
    if (verified.jti === null) throw new TypeError('cannot revoke a token without a jti claim');
    // The entry must outlive the last moment the token verifies, which is exp plus the leeway.
    const until = verified.expiresAt === null ? null : new Date(verified.expiresAt.getTime() + this.config.decodeLeeway * 1000);
    try {
      await this.#denylist.revoke(verified.jti, until);
    } catch {
      throw this.error('denylist_unavailable', ErrorMessages.denylistUnavailable);
    }
    this.#feed.local({ kind: 'token', jti: verified.jti });
    for (const subscription of [...this.#revocationListeners]) {
      try {
        subscription.listener(verified);
      } catch {
        // The revocation is stored: a listener's failure is the listener's to report, not a failed revocation.
      }
    }
    return this.isRevocationChecked(verified);
  }

  /**
   * Calls `listener` after every revocation through {@link revokeToken} that the store accepted,
   * synchronously, before `revokeToken` resolves. It sees token revocations made by this service in
   * this process only; {@link onRevocation} sees every kind, from every process sharing the store.
   * A listener that throws is ignored (the revocation has succeeded).
   * @returns a function removing this subscription
   * @example
   * const stop = auth.onRevoke((token) => log.info('revoked', token.jti));
   */
  onRevoke(listener: RevocationListener): () => void {
    const subscription = { listener };
    this.#revocationListeners.add(subscription);
    return () => {
      this.#revocationListeners.delete(subscription);
    };
  }

  /**
   * Calls `listener` for every HTTP request and socket handshake this service's adapters refuse
   * (checkers, `withPaseto`, `@Auth()` handles, the socket middlewares), once per refusal,
   * synchronously before the client is answered: for audit logs and per-client rate limits. The
   * event never holds the token; `subject` and `jti` are there only for a token that verified and
   * was refused later. A listener that throws or rejects is ignored (the client still gets its 401).
   * @returns a function removing this subscription
   * @example
   * auth.onAuthFailure(({ code, ip, subject }) => log.warn('auth refused', { code, ip, subject }));
   */
  onAuthFailure(listener: AuthFailureListener): () => void {
    return this.#failureListeners.add(listener);
  }

  /**
   * The adapters' one way to report a refusal to {@link onAuthFailure} listeners; errors that are
   * not authentication failures are ignored. Not public API.
   * @internal
   */
  reportFailure(error: unknown, context: FailureContext): void {
    this.#failureListeners.report(error, context, this.clock.now());
  }

  /**
   * True when verification consults the denylist for this token: `denylistEnabled` and its type in
   * `denylistTokenChecks`. A revoked token of another type is still accepted.
   */
  isRevocationChecked(token: Pick<RevocableToken, 'type'>): boolean {
    return this.config.denylistEnabled && this.config.denylistTokenChecks.includes(token.type);
  }

  /**
   * Asks the denylist (store, then `tokenInDenylistLoader`) whether a token is revoked, as
   * verification would: `false` without asking when {@link isRevocationChecked} is false.
   * @throws AuthPasetoError `denylist_unavailable` when the store or loader fails (fail closed: never `false`)
   */
  async isRevoked(token: RevocableToken): Promise<boolean> {
    return this.isRevocationChecked(token) && this.#asAuthError(() => askDenylist(this.#denylist, this.#denylistLoader, token));
  }

  /**
   * An {@link AuthPasetoError} with the status configured for its code (option `statusCodes`): the
   * one place a failure becomes an error with a status, for the service and its adapters alike.
   */
  error(code: AuthPasetoErrorCode, message: string): AuthPasetoError {
    return new AuthPasetoError(code, message, this.config.statusCodes[code]);
  }

  /** Runs `run`, turning a {@link TokenFailure} it throws or rejects with into {@link error}. */
  #asAuthError<T>(run: () => T): T {
    const convert = (failure: unknown): never => {
      throw failure instanceof TokenFailure ? withRefusedToken(this.error(failure.code, failure.message), refusedTokenOf(failure)) : failure;
    };
    let result: T;
    try {
      result = run();
    } catch (failure) {
      return convert(failure);
    }
    return (isPromiseLike(result) ? Promise.resolve(result).catch(convert) : result) as T;
  }

  /** PASERK ids of the configured keys, the signing key first. */
  get keyIds(): readonly string[] {
    return this.#keyRing.keys.map((key) => key.kid);
  }

  private async issue(type: string, options: CreateTokenBaseOptions, fresh: boolean | undefined): Promise<string> {
    if (typeof options !== 'object' || options === null) throw new TypeError('token options must be an object');
    const key = this.signingKey(options.purpose);
    // After a subject cut-off, a token of the same millisecond would fall on the wrong side of it.
    const now = Math.max(this.clock.now(), this.#lastCutOff + 1);
    if (options.sessionId !== undefined) checkSessionLifetime(this.config, options.expiresIn, now);
    return issueToken(type, options, fresh, { key, config: this.config, now, withKid: this.#useKid });
  }

  /** How long a denylist entry must last for a token valid until `expiresAt` (ms): plus the leeway; `null`: forever. */
  #entryUntil(expiresAt: number | null): Date | null {
    return expiresAt === null ? null : new Date(expiresAt + this.config.decodeLeeway * 1000);
  }

  /** The store, when sessions can be served: the denylist is on and the store has every session method. */
  #sessionStore(what: string): SessionDenylistStore {
    if (!this.config.denylistEnabled) {
      throw new PasetoConfigError('denylistEnabled', `must be true to ${what}: with the denylist off a revoked session would still be accepted`);
    }
    if (!supportsSessions(this.#denylist)) {
      throw new PasetoConfigError('denylist', `the store cannot ${what}: it needs revokeSession, revokeSubject, spend and onRevocation (MemoryDenylist and RedisDenylist have them)`);
    }
    return this.#denylist;
  }

  /** A store call; its failure is `denylist_unavailable` (and a revocation that failed has not happened). */
  async #store<T>(call: () => T | Promise<T>): Promise<T> {
    try {
      return await call();
    } catch {
      throw this.error('denylist_unavailable', ErrorMessages.denylistUnavailable);
    }
  }

  private signingKey(purpose: PasetoPurpose | undefined): PasetoKey {
    const wanted = purpose ?? this.config.purpose;
    if (wanted !== 'local' && wanted !== 'public') throw new TypeError("purpose must be 'local' or 'public'");
    const key = this.#keyRing.keys.find((candidate) => candidate.canSign && candidate.purpose === wanted);
    if (!key) {
      throw new PasetoConfigError(wanted === 'local' ? 'secretKey' : 'privateKey', `no key that can create ${wanted} tokens is configured`);
    }
    return key;
  }

  /** Decoding, keys and claims, through the verified-token cache; time claims re-checked on every use. */
  #open(token: string, options: VerifyTokenOptions): CachedVerification {
    const paseto = unwrapToken(token, this.config.maxTokenLength, options.base64Encoded === true);
    const assertion = assertionBytes(options.implicitAssertion);
    const now = this.clock.now();
    const rules = this.#claimRules;
    const cached = this.#cache.get(paseto, assertion, now, rules.leewayMs);
    if (cached !== undefined) {
      checkTimes(cached.expiresAt, cached.notBefore, now, rules.leewayMs);
      return cached;
    }
    const opened = openToken(this.#keyRing, paseto, assertion);
    const valid = validateClaims(opened.claims, rules, now);
    const verified = verifiedToken(paseto, opened, valid);
    const entry: CachedVerification = { verified, assertion, expiresAt: valid.expiresAt, notBefore: valid.notBefore };
    this.#cache.set(paseto, entry);
    return entry;
  }

  /**
   * Open → validate (cached) → denylist → type and freshness: synchronous unless the denylist
   * store answers with a promise. Throws {@link TokenFailure}.
   */
  #verify(token: string, options: VerifyTokenOptions): MaybePromise<VerifiedToken> {
    checkTypeRequirement(options);
    // A token naming a key not fetched yet waits for the key set; a known key stays synchronous.
    const keySet = this.#keySet;
    const opened = keySet ? keySet.verify(() => this.#open(token, options)) : this.#open(token, options);
    return andThen(opened, ({ verified }) => {
      const finish = (revoked: boolean): VerifiedToken => {
        try {
          if (revoked) throw new TokenFailure('token_revoked', ErrorMessages.revoked);
          checkTokenType(verified, options);
        } catch (failure) {
          // Refused after it verified: failure listeners may see whose token it was.
          throw withRefusedToken(failure, verified);
        }
        return verified;
      };
      return this.isRevocationChecked(verified) ? andThen(askDenylist(this.#denylist, this.#denylistLoader, verified), finish) : finish(false);
    });
  }
}

