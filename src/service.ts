import { Inject, Service, Token } from 'typedi';
import { AuthPasetoError, ErrorMessages, isAuthPasetoError, PasetoConfigError, type AuthPasetoErrorCode } from './errors';
import type { PasetoAuthOptions, PasetoPurpose, ResolvedPasetoConfig } from './config/options';
import { resolveOptions } from './config/resolve';
import { MAX_LIFETIME_SECONDS } from './config/schema';
import { KeyRing, type PasetoKey } from './keys/key-ring';
import { publicKeySetOf, type PasetoKeySet } from './keys/key-set';
import { RemoteKeySet } from './keys/remote-key-set';
import { systemClock } from './clock';
import { decodeToken, encodeToken } from './tokens/protocol';
import { audienceMatches, buildClaims, checkClaimsInput, deepFreeze, issuesCsrfClaim, parseTime } from './tokens/claims';
import { assertionBytes, decodeFooter, encodeFooter } from './tokens/footer';
import { VerifiedTokenCache, type CachedVerification } from './tokens/verified-cache';
import type { DenylistStore, RevocableToken, TokenInDenylistLoader } from './denylist/store';
import { MemoryDenylist } from './denylist/memory';
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

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/**
 * Creates, verifies and revokes PASETO tokens: the one façade the HTTP and Socket.IO adapters call.
 * Construct it by hand with options, or through typedi with {@link PASETO_CONFIG}.
 * Options are validated and keys imported once, here: a mistake throws {@link PasetoConfigError}.
 */
@Service()
export class PasetoAuthService {
  /** The options with every default filled in. */
  readonly config: ResolvedPasetoConfig;
  readonly #keyRing: KeyRing;
  readonly #denylist: DenylistStore;
  readonly #denylistLoader: TokenInDenylistLoader | undefined;
  readonly #cache: VerifiedTokenCache;
  readonly #useKid: boolean;
  readonly #keySet: RemoteKeySet | undefined;
  // Wrapper objects, so one function subscribed twice holds two independent subscriptions.
  readonly #revocationListeners = new Set<{ readonly listener: RevocationListener }>();

  constructor(@Inject(PASETO_CONFIG) options: PasetoAuthOptions = {}) {
    const resolved = resolveOptions(options);
    this.config = resolved.config;
    this.#cache = new VerifiedTokenCache(this.config.verifiedTokenCacheSize);
    this.#keySet =
      options.keySetUrl === undefined
        ? undefined
        : new RemoteKeySet(options.keySetUrl, options.keySetOptions, { version: this.config.version, clock: systemClock, onKeysRemoved: () => this.#cache.clear() });
    this.#keyRing = KeyRing.fromOptions(resolved.keys, resolved.keyField, this.#keySet);
    this.#useKid = options.keys !== undefined;
    this.#denylist = options.denylist ?? new MemoryDenylist();
    this.#denylistLoader = options.tokenInDenylistLoader;
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
   * Verifies a token and what the caller requires of it, in fastapi-paseto's order: format,
   * version and purpose, key, time claims, issuer, audience, denylist, type, freshness.
   * @throws AuthPasetoError with the code of the first failed check
   */
  async verifyToken(token: string, options: VerifyTokenOptions = {}): Promise<VerifiedToken> {
    return this.verifyNow(token, options);
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
   * thrown {@link AuthPasetoError}) unless a denylist store has to be waited for.
   * @internal
   */
  authenticateNow(token: string | undefined, options: AuthenticateOptions = {}): MaybePromise<VerifiedToken | null> {
    this.checkRequirement(options);
    if (token === undefined || token === '') {
      if (options.optional) return null;
      throw this.error('token_missing', ErrorMessages.tokenMissing);
    }
    const anonymousIfOptional = (error: unknown): null => {
      if (options.optional && isAuthPasetoError(error) && ANONYMOUS_WHEN_OPTIONAL.has(error.code)) return null;
      throw error;
    };
    let verified: MaybePromise<VerifiedToken>;
    try {
      verified = this.verifyNow(token, options);
    } catch (error) {
      return anonymousIfOptional(error);
    }
    return verified instanceof Promise ? verified.catch(anonymousIfOptional) : verified;
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
    const verified = typeof token === 'string' ? this.open(token, options).verified : token;
    // Tokens without a jti (made elsewhere with a shared key) cannot be told apart: revoking '' would revoke them all.
    if (verified.jti === '') throw new TypeError('cannot revoke a token without a jti claim');
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
    return this.isRevocationChecked(token) && this.askDenylist(token);
  }

  /** An {@link AuthPasetoError} with the status configured for its code (option `statusCodes`). */
  error(code: AuthPasetoErrorCode, message: string): AuthPasetoError {
    return new AuthPasetoError(code, message, this.config.statusCodes[code]);
  }

  /** PASERK ids of the configured keys, the signing key first. */
  get keyIds(): readonly string[] {
    return this.#keyRing.keys.map((key) => key.kid);
  }

  private async issue(type: string, options: CreateTokenBaseOptions, fresh: boolean | undefined): Promise<string> {
    if (typeof options !== 'object' || options === null) throw new TypeError('token options must be an object');
    const key = this.signingKey(options.purpose);
    const now = Date.now();
    const input = {
      subject: options.subject,
      type,
      fresh,
      now,
      expiresAt: this.expiryOf(type, options.expiresIn, now),
      issuer: options.issuer ?? this.config.encodeIssuer,
      audience: options.audience,
      userClaims: options.userClaims,
      csrf: issuesCsrfClaim(this.config),
    };
    checkClaimsInput(input);
    const payload = encoder.encode(JSON.stringify(buildClaims(input)));
    const footer = encodeFooter(options.footer, this.#useKid ? key.kid : undefined);
    const token = encodeToken(key, payload, footer, assertionBytes(options.implicitAssertion));
    return options.base64Encode ? Buffer.from(token, 'utf8').toString('base64') : token;
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

  private expiryOf(type: string, expiresIn: number | Date | false | undefined, now: number): number | null {
    if (expiresIn === false) return null;
    if (expiresIn !== undefined) {
      const at = expiresIn instanceof Date ? expiresIn.getTime() : typeof expiresIn === 'number' ? now + expiresIn * 1000 : Number.NaN;
      // Within a century either way: beyond that it is a mistake, and far enough it is no date at all.
      if (!(Math.abs(at - now) <= MAX_LIFETIME_SECONDS * 1000)) {
        throw new TypeError('expiresIn must be seconds or a valid Date within a century from now, or false');
      }
      return at;
    }
    const lifetime =
      type === 'access' ? this.config.accessTokenExpires : type === 'refresh' ? this.config.refreshTokenExpires : this.config.otherTokenExpires;
    return lifetime === false ? null : now + lifetime * 1000;
  }

  private checkRequirement(options: VerifyTokenOptions): void {
    if (options.fresh && options.refreshToken) throw this.error('invalid_argument', ErrorMessages.freshAndRefresh);
  }

  /** Decoding, keys and claims, through the verified-token cache; time claims re-checked on every use. */
  private open(token: string, options: VerifyTokenOptions): CachedVerification {
    if (typeof token !== 'string' || token === '') throw this.error('token_missing', ErrorMessages.tokenMissing);
    // Before any decoding (base64, footer, JSON) and before the cache: forged megabytes cost nothing.
    const maxLength = options.base64Encoded ? Math.ceil(this.config.maxTokenLength / 3) * 4 : this.config.maxTokenLength;
    if (token.length > maxLength) throw this.error('invalid_token', ErrorMessages.tooLong);
    const paseto = options.base64Encoded ? this.fromBase64(token) : token;
    const assertion = assertionBytes(options.implicitAssertion);
    const now = Date.now();
    const leewayMs = this.config.decodeLeeway * 1000;
    let entry = this.#cache.get(paseto, assertion, now, leewayMs);
    if (entry === undefined) {
      entry = this.decode(paseto, assertion);
      this.checkTimes(entry, now, leewayMs);
      this.#cache.set(paseto, entry);
    } else {
      this.checkTimes(entry, now, leewayMs);
    }
    return entry;
  }

  private fromBase64(token: string): string {
    if (!BASE64.test(token)) throw this.error('invalid_token', ErrorMessages.invalidBase64);
    try {
      return utf8.decode(Buffer.from(token, 'base64'));
    } catch {
      throw this.error('invalid_token', ErrorMessages.invalidBase64);
    }
  }

  private decode(token: string, assertion: Uint8Array): CachedVerification {
    let decoded;
    try {
      decoded = decodeToken(this.#keyRing, token, assertion);
    } catch (error) {
      if (isAuthPasetoError(error)) throw this.error(error.code, error.message);
      throw this.error('invalid_token', ErrorMessages.invalidFormat);
    }
    let claims: unknown;
    try {
      claims = JSON.parse(utf8.decode(decoded.payload));
    } catch {
      throw this.error('invalid_token', ErrorMessages.invalidFormat);
    }
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw this.error('invalid_token', ErrorMessages.invalidFormat);
    const record = claims as Record<string, unknown>;
    const expiresAt = parseTime(record.exp);
    const notBefore = parseTime(record.nbf);
    if (Number.isNaN(expiresAt) || Number.isNaN(notBefore)) throw this.error('invalid_token', ErrorMessages.invalidFormat);
    if (expiresAt === undefined && this.config.requireExpiry) throw this.error('invalid_token', ErrorMessages.expiryMissing);
    const subject = record.sub;
    if (!(typeof subject === 'string' && subject !== '') && !(typeof subject === 'number' && Number.isSafeInteger(subject))) {
      throw this.error('invalid_token', ErrorMessages.subjectMissing);
    }
    const jti = typeof record.jti === 'string' ? record.jti : '';
    if (jti === '' && this.config.requireJti) throw this.error('invalid_token', ErrorMessages.jtiMissing);
    this.checkIssuer(record.iss);
    this.checkAudience(record.aud);
    const verified: VerifiedToken = Object.freeze({
      token,
      claims: deepFreeze(record),
      subject,
      jti,
      type: typeof record.type === 'string' ? record.type : 'None',
      fresh: record.fresh === true,
      footer: decodeFooter(decoded.footer),
      purpose: decoded.purpose,
      version: decoded.version,
      kid: decoded.key.kid,
      expiresAt: expiresAt === undefined ? null : new Date(expiresAt),
    });
    return { verified, assertion, expiresAt, notBefore };
  }

  private checkTimes(entry: CachedVerification, now: number, leewayMs: number): void {
    if (entry.expiresAt !== undefined && now > entry.expiresAt + leewayMs) throw this.error('token_expired', ErrorMessages.expired);
    if (entry.notBefore !== undefined && now + leewayMs < entry.notBefore) throw this.error('token_not_active', ErrorMessages.notActive);
  }

  private checkIssuer(iss: unknown): void {
    const accepted = this.config.decodeIssuer;
    if (accepted === undefined) return;
    if (iss === undefined) throw this.error('invalid_issuer', ErrorMessages.issuerMissing);
    if (typeof iss !== 'string' || !accepted.includes(iss)) throw this.error('invalid_issuer', ErrorMessages.issuerInvalid);
  }

  /** A token naming an audience is only for services that name theirs (as JWT's `aud` rule). */
  private checkAudience(aud: unknown): void {
    const accepted = this.config.decodeAudience;
    if (accepted === undefined) {
      if (aud !== undefined) throw this.error('invalid_audience', ErrorMessages.audienceInvalid);
      return;
    }
    if (!audienceMatches(aud, accepted)) throw this.error('invalid_audience', ErrorMessages.audienceInvalid);
  }

  /** `undefined` when the denylist does not apply, so the hot path takes no extra tick. */
  /** Verification after the requirement: synchronous unless the denylist store answers with a promise. */
  private verifyNow(token: string, options: VerifyTokenOptions): MaybePromise<VerifiedToken> {
    this.checkRequirement(options);
    const opened = this.#keySet === undefined ? this.open(token, options) : this.#keySet.verify(() => this.open(token, options));
    return andThen(opened, ({ verified }) => {
      const finish = (revoked: boolean): VerifiedToken => {
        if (revoked) throw this.error('token_revoked', ErrorMessages.revoked);
        this.checkType(verified, options);
        return verified;
      };
      return this.isRevocationChecked(verified) ? andThen(this.askDenylist(verified), finish) : finish(false);
    });
  }

  /**
   * The store, then the loader; either may answer now or later. Any failure fails closed, and so
   * does an answer that is not a boolean (`1` from a Redis `EXISTS`, `undefined` from a forgotten
   * `return`): a store that cannot say `true` or `false` is broken, not "not revoked".
   */
  private askDenylist(token: RevocableToken): MaybePromise<boolean> {
    const unavailable = (): never => {
      throw this.error('denylist_unavailable', ErrorMessages.denylistUnavailable);
    };
    const boolean = (answer: unknown): boolean => (typeof answer === 'boolean' ? answer : unavailable());
    try {
      const loader = this.#denylistLoader;
      const answer = andThen(andThen<unknown, boolean>(this.#denylist.isRevoked(token), boolean), (revoked) =>
        revoked || loader === undefined ? revoked : andThen<unknown, boolean>(loader(token), boolean),
      );
      return isPromiseLike(answer) ? Promise.resolve(answer).then((revoked) => revoked, unavailable) : answer;
    } catch {
      return unavailable();
    }
  }

  private checkType(verified: VerifiedToken, options: VerifyTokenOptions): void {
    // A token without a type claim (made elsewhere) reads "... but none provided".
    const actual = typeof verified.claims.type === 'string' ? verified.type : 'none';
    if (options.refreshToken) {
      if (actual !== 'refresh') throw this.error('wrong_token_type', `Refresh token required but ${actual} provided`);
      return;
    }
    const expected = options.type ?? 'access';
    if (actual !== expected) {
      const message = expected === 'access' ? `Access token required but ${actual} provided` : `${expected} token required but ${actual} provided`;
      throw this.error('wrong_token_type', message);
    }
    if (options.fresh && !verified.fresh) throw this.error('fresh_token_required', ErrorMessages.notFresh);
  }
}
