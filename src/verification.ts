import { ErrorMessages, type AuthPasetoError, type AuthPasetoErrorCode } from './errors';
import type { ResolvedPasetoConfig } from './config/options';
import type { PasetoClock } from './clock';
import type { KeyRing } from './keys/key-ring';
import type { RemoteKeySet } from './keys/remote-key-set';
import { TokenFailure } from './tokens/failure';
import { openToken, unwrapToken, verifiedToken } from './tokens/open';
import { checkTimes, checkTokenType, checkTypeRequirement, validateClaims, type ClaimsRequirement } from './tokens/validate';
import { assertionBytes } from './tokens/footer';
import type { CachedVerification, VerifiedTokenCache } from './tokens/verified-cache';
import type { DenylistStore, RevocableToken, TokenInDenylistLoader } from './denylist/store';
import { askDenylist } from './denylist/ask';
import { andThen, isPromiseLike, type MaybePromise } from './maybe-promise';
import { refusedTokenOf, withRefusedToken } from './events';
import type { AuthenticateOptions, VerifiedToken, VerifyTokenOptions } from './tokens/types';

/** Failures that an optional route treats as "no usable token" (fastapi-paseto's decode errors). */
const ANONYMOUS_WHEN_OPTIONAL: ReadonlySet<AuthPasetoErrorCode> = new Set<AuthPasetoErrorCode>([
  'invalid_token',
  'token_expired',
  'token_not_active',
  'invalid_issuer',
  'invalid_audience',
]);

/** What verification needs of the service: its values, and its public methods (called at call time). */
export interface VerificationContext {
  readonly config: ResolvedPasetoConfig;
  readonly clock: PasetoClock;
  readonly keyRing: KeyRing;
  readonly keySet: RemoteKeySet | undefined;
  readonly cache: VerifiedTokenCache;
  readonly claimRules: ClaimsRequirement;
  readonly denylist: DenylistStore;
  readonly denylistLoader: TokenInDenylistLoader | undefined;
  error(code: AuthPasetoErrorCode, message: string): AuthPasetoError;
  isRevocationChecked(token: Pick<RevocableToken, 'type'>): boolean;
}

/** The claim rules of verification, from the configuration. */
export function claimRulesOf(config: ResolvedPasetoConfig): ClaimsRequirement {
  return Object.freeze({
    leewayMs: config.decodeLeeway * 1000,
    issuer: config.decodeIssuer,
    audience: config.decodeAudience,
    requireExpiry: config.requireExpiry,
    requireJti: config.requireJti,
  });
}

/** Runs `run`, turning a {@link TokenFailure} it throws or rejects with into the service's `error`. */
export function asAuthError<T>(context: Pick<VerificationContext, 'error'>, run: () => T): T {
  const convert = (failure: unknown): never => {
    throw failure instanceof TokenFailure ? withRefusedToken(context.error(failure.code, failure.message), refusedTokenOf(failure)) : failure;
  };
  let result: T;
  try {
    result = run();
  } catch (failure) {
    return convert(failure);
  }
  return (isPromiseLike(result) ? Promise.resolve(result).catch(convert) : result) as T;
}

/** The body of `PasetoAuthService.authenticateNow`. */
export function authenticateNow(context: VerificationContext, token: string | undefined, options: AuthenticateOptions): MaybePromise<VerifiedToken | null> {
  return asAuthError(context, () => {
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
      verified = verify(context, token, options);
    } catch (error) {
      return anonymousIfOptional(error);
    }
    return isPromiseLike(verified) ? Promise.resolve(verified).catch(anonymousIfOptional) : verified;
  });
}

/** Decoding, keys and claims, through the verified-token cache; time claims re-checked on every use. */
export function openCached(context: VerificationContext, token: string, options: VerifyTokenOptions): CachedVerification {
  const paseto = unwrapToken(token, context.config.maxTokenLength, options.base64Encoded === true);
  const assertion = assertionBytes(options.implicitAssertion);
  const now = context.clock.now();
  const rules = context.claimRules;
  const cached = context.cache.get(paseto, assertion, now, rules.leewayMs);
  if (cached !== undefined) {
    checkTimes(cached.expiresAt, cached.notBefore, now, rules.leewayMs);
    return cached;
  }
  const opened = openToken(context.keyRing, paseto, assertion);
  const valid = validateClaims(opened.claims, rules, now);
  const verified = verifiedToken(paseto, opened, valid);
  const entry: CachedVerification = { verified, assertion, expiresAt: valid.expiresAt, notBefore: valid.notBefore };
  context.cache.set(paseto, entry);
  return entry;
}

/**
 * Open → validate (cached) → denylist → type and freshness: synchronous unless the denylist
 * store answers with a promise. Throws {@link TokenFailure}.
 */
export function verify(context: VerificationContext, token: string, options: VerifyTokenOptions): MaybePromise<VerifiedToken> {
  checkTypeRequirement(options);
  // A token naming a key not fetched yet waits for the key set; a known key stays synchronous.
  const keySet = context.keySet;
  const opened = keySet ? keySet.verify(() => openCached(context, token, options)) : openCached(context, token, options);
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
    return context.isRevocationChecked(verified) ? andThen(askDenylist(context.denylist, context.denylistLoader, verified), finish) : finish(false);
  });
}
