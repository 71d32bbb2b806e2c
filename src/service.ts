import { Inject, Service, Token } from 'typedi';
import { AuthPasetoError, PasetoConfigError, type AuthPasetoErrorCode } from './errors';
import type { PasetoAuthOptions, ResolvedPasetoConfig } from './config/options';
import { resolveOptions } from './config/resolve';
import { KeyRing } from './keys/key-ring';
import { publicKeySetOf, type PasetoKeySet } from './keys/key-set';
import { RemoteKeySet } from './keys/remote-key-set';
import { issueToken } from './tokens/issue';
import type { ClaimsRequirement } from './tokens/validate';
import { VerifiedTokenCache } from './tokens/verified-cache';
import type { DenylistStore, Revocation, RevocableToken, TokenInDenylistLoader } from './denylist/store';
import { RevocationFeed } from './denylist/feed';
import { checkSessionLifetime } from './tokens/session';
import { MemoryDenylist } from './denylist/memory';
import { askDenylist } from './denylist/ask';
import { systemClock, type PasetoClock } from './clock';
import type { MaybePromise } from './maybe-promise';
import { AuthFailureListeners, type AuthFailureListener, type FailureContext } from './events';
import { RevokeListeners, createTokenPair, revokeSession, revokeSubject, revokeToken, rotateRefreshToken, type RevocationContext } from './sessions';
import { asAuthError, authenticateNow, claimRulesOf, openCached, verify, type VerificationContext } from './verification';
import { checkRoles, rolesIn } from './roles';
import { signingKeyOf } from './keys/signing-key';
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
  readonly #revocationListeners = new RevokeListeners();
  readonly #feed: RevocationFeed;
  // The latest subject cut-off of this process: tokens issued after it get a later iat, even on a frozen clock.
  #lastCutOff = Number.NEGATIVE_INFINITY;
  readonly #failureListeners = new AuthFailureListeners();
  // The private state and methods the moved-out operations need (./sessions, ./verification).
  readonly #context: RevocationContext & VerificationContext;

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
    this.#claimRules = claimRulesOf(this.config);
    this.#context = {
      config: this.config,
      clock: this.clock,
      keyRing: this.#keyRing,
      keySet: this.#keySet,
      cache: this.#cache,
      claimRules: this.#claimRules,
      denylist: this.#denylist,
      denylistLoader: this.#denylistLoader,
      feed: this.#feed,
      error: (code, message) => this.error(code, message),
      asAuthError: (run) => asAuthError(this, run),
      open: (token, verifyOptions) => openCached(this.#context, token, verifyOptions),
      issue: (type, issueOptions, fresh) => this.issue(type, issueOptions, fresh),
      verifyToken: (token, verifyOptions) => this.verifyToken(token, verifyOptions),
      isRevocationChecked: (token) => this.isRevocationChecked(token),
      revokeSession: (sessionId) => this.revokeSession(sessionId),
      noteCutOff: (cutOff) => {
        this.#lastCutOff = Math.max(this.#lastCutOff, cutOff);
      },
      revokeListeners: this.#revocationListeners,
    };
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
  createTokenPair(options: CreateTokenPairOptions): Promise<TokenPair> {
    return createTokenPair(this.#context, options);
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
  rotateRefreshToken(refreshToken: string, options: Pick<VerifyTokenOptions, 'base64Encoded' | 'implicitAssertion'> = {}): Promise<TokenPair> {
    return rotateRefreshToken(this.#context, refreshToken, options);
  }

  /**
   * Revokes every token of a session (`sid`), on every process sharing the store, and ends their
   * live sockets. Takes the session id, or a token of the session (a string that must verify, or a
   * {@link VerifiedToken}). The entry is kept as long as a token of the session can be valid.
   * @throws AuthPasetoError `denylist_unavailable` when the store fails (the revocation has not happened)
   * @throws TypeError for a token without `sid`
   * @throws PasetoConfigError unless `denylistEnabled` and the store supports sessions
   */
  revokeSession(sessionIdOrToken: string | VerifiedToken, options: Pick<VerifyTokenOptions, 'base64Encoded' | 'implicitAssertion'> = {}): Promise<void> {
    return revokeSession(this.#context, sessionIdOrToken, options);
  }

  /**
   * "Log out everywhere": revokes every token of `subject` issued until now, on every process
   * sharing the store, and ends their live sockets. Tokens issued after it resolves work (`iat` has
   * millisecond precision; this process never issues a token in the cut-off's millisecond).
   * @throws AuthPasetoError `denylist_unavailable` when the store fails (the revocation has not happened)
   * @throws PasetoConfigError unless `denylistEnabled` and the store supports sessions
   */
  revokeSubject(subject: string | number): Promise<void> {
    return revokeSubject(this.#context, subject);
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
    return asAuthError(this, () => verify(this.#context, token, options));
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
    return authenticateNow(this.#context, token, options);
  }

  /** The roles of a token: its `rolesClaim` as a list, or a space-separated string split (as OAuth `scope`). */
  rolesOf(verified: VerifiedToken): string[] {
    return rolesIn(verified, this.config.rolesClaim);
  }

  /**
   * Throws `insufficient_role` unless the token holds every `all` role and, when `any` is given, one
   * of them. Roles need a token: an anonymous (optional) caller fails with `token_missing`.
   */
  checkRoles(verified: VerifiedToken | null, requirement: RoleRequirement): void {
    checkRoles(this, verified, requirement);
  }

  /**
   * Puts a token's `jti` on the denylist until its `exp` plus `decodeLeeway` (the last moment it
   * would verify). Takes a token string (any type; it must still verify: pass `base64Encoded` /
   * `implicitAssertion` as it was made) or a {@link VerifiedToken}.
   * @returns whether verification refuses the token from now on: `false` when its type is not in
   *   `denylistTokenChecks` (the entry is stored all the same, so a later configuration honours it)
   * @throws TypeError for a token without a `jti` (it could not be told apart from others)
   */
  revokeToken(token: string | VerifiedToken, options: Pick<VerifyTokenOptions, 'base64Encoded' | 'implicitAssertion'> = {}): Promise<boolean> {
    return revokeToken(this.#context, token, options);
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
    return this.#revocationListeners.add(listener);
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
    return this.isRevocationChecked(token) && asAuthError(this, () => askDenylist(this.#denylist, this.#denylistLoader, token));
  }

  /**
   * An {@link AuthPasetoError} with the status configured for its code (option `statusCodes`): the
   * one place a failure becomes an error with a status, for the service and its adapters alike.
   */
  error(code: AuthPasetoErrorCode, message: string): AuthPasetoError {
    return new AuthPasetoError(code, message, this.config.statusCodes[code]);
  }

  /** PASERK ids of the configured keys, the signing key first. */
  get keyIds(): readonly string[] {
    return this.#keyRing.keys.map((key) => key.kid);
  }

  private async issue(type: string, options: CreateTokenBaseOptions, fresh: boolean | undefined): Promise<string> {
    if (typeof options !== 'object' || options === null) throw new TypeError('token options must be an object');
    const key = signingKeyOf(this.#keyRing, options.purpose, this.config.purpose);
    // After a subject cut-off, a token of the same millisecond would fall on the wrong side of it.
    const now = Math.max(this.clock.now(), this.#lastCutOff + 1);
    if (options.sessionId !== undefined) checkSessionLifetime(this.config, options.expiresIn, now);
    return issueToken(type, options, fresh, { key, config: this.config, now, withKid: this.#useKid });
  }
}
