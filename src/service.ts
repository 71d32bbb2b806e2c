import { Inject, Service, Token } from 'typedi';
import { AuthPasetoError, ErrorMessages, PasetoConfigError, type AuthPasetoErrorCode } from './errors';
import type { PasetoAuthOptions, PasetoPurpose, ResolvedPasetoConfig } from './config/options';
import { resolveOptions } from './config/resolve';
import { KeyRing, type PasetoKey } from './keys/key-ring';
import { issueToken } from './tokens/issue';
import { TokenFailure } from './tokens/failure';
import { openToken, unwrapToken } from './tokens/open';
import { checkTimes, checkTokenType, validateClaims, type ClaimsRequirement } from './tokens/validate';
import { assertionBytes, decodeFooter } from './tokens/footer';
import { VerifiedTokenCache, type CachedVerification } from './tokens/verified-cache';
import type { DenylistStore, RevocableToken, TokenInDenylistLoader } from './denylist/store';
import { MemoryDenylist } from './denylist/memory';
import { askDenylist } from './denylist/ask';
import { systemClock, type PasetoClock } from './clock';
import { andThen, isPromiseLike, type MaybePromise } from './maybe-promise';
import type {
  AuthenticateOptions,
  CreateAccessTokenOptions,
  CreateCustomTokenOptions,
  CreateRefreshTokenOptions,
  CreateTokenBaseOptions,
  RoleRequirement,
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
  // Wrapper objects, so one function subscribed twice holds two independent subscriptions.
  readonly #revocationListeners = new Set<{ readonly listener: RevocationListener }>();

  constructor(@Inject(PASETO_CONFIG) options: PasetoAuthOptions = {}) {
    const resolved = resolveOptions(options);
    this.config = resolved.config;
    this.clock = options.clock ?? systemClock;
    this.#keyRing = KeyRing.fromOptions(resolved.keys, resolved.keyField);
    this.#useKid = options.keys !== undefined;
    this.#denylist = options.denylist ?? new MemoryDenylist({ clock: this.clock });
    this.#denylistLoader = options.tokenInDenylistLoader;
    this.#cache = new VerifiedTokenCache(this.config.verifiedTokenCacheSize);
    this.#claimRules = Object.freeze({
      leewayMs: this.config.decodeLeeway * 1000,
      issuer: this.config.decodeIssuer,
      audience: this.config.decodeAudience,
      requireExpiry: this.config.requireExpiry,
      requireJti: this.config.requireJti,
    });
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
        checkRequirement(options);
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
      throw this.error('insufficient_role', ErrorMessages.insufficientRole);
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
   * synchronously, before `revokeToken` resolves. It sees revocations made by this service in this
   * process only; revocations written to a shared store by other processes are found with
   * {@link isRevoked}. A listener that throws is ignored (the revocation has succeeded).
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
      throw failure instanceof TokenFailure ? this.error(failure.code, failure.message) : failure;
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
    return issueToken(type, options, fresh, { key, config: this.config, now: this.clock.now(), withKid: this.#useKid });
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
    const { decoded, claims } = openToken(this.#keyRing, paseto, assertion);
    const valid = validateClaims(claims, rules, now);
    const verified: VerifiedToken = Object.freeze({
      token: paseto,
      claims: valid.claims,
      subject: valid.subject,
      jti: valid.jti,
      type: valid.type,
      fresh: valid.fresh,
      footer: decodeFooter(decoded.footer),
      purpose: decoded.purpose,
      version: decoded.version,
      kid: decoded.key.kid,
      expiresAt: valid.expiresAt === undefined ? null : new Date(valid.expiresAt),
    });
    const entry: CachedVerification = { verified, assertion, expiresAt: valid.expiresAt, notBefore: valid.notBefore };
    this.#cache.set(paseto, entry);
    return entry;
  }

  /**
   * Open → validate (cached) → denylist → type and freshness: synchronous unless the denylist
   * store answers with a promise. Throws {@link TokenFailure}.
   */
  #verify(token: string, options: VerifyTokenOptions): MaybePromise<VerifiedToken> {
    checkRequirement(options);
    const { verified } = this.#open(token, options);
    const finish = (revoked: boolean): VerifiedToken => {
      if (revoked) throw new TokenFailure('token_revoked', ErrorMessages.revoked);
      checkTokenType(verified, options);
      return verified;
    };
    return this.isRevocationChecked(verified) ? andThen(askDenylist(this.#denylist, this.#denylistLoader, verified), finish) : finish(false);
  }
}

/** `fresh` and `refreshToken` together ask for two different tokens: the caller's mistake. */
function checkRequirement(options: VerifyTokenOptions): void {
  if (options.fresh && options.refreshToken) throw new TokenFailure('invalid_argument', ErrorMessages.freshAndRefresh);
}
