import { ErrorMessages, PasetoConfigError, type AuthPasetoError, type AuthPasetoErrorCode } from './errors';
import type { ResolvedPasetoConfig } from './config/options';
import type { PasetoClock } from './clock';
import { supportsSessions, type DenylistStore, type RevocableToken, type SessionDenylistStore, type TokenInDenylistLoader } from './denylist/store';
import type { RevocationFeed } from './denylist/feed';
import { askDenylist } from './denylist/ask';
import { isSessionId, newSessionId } from './tokens/claims';
import { carriedClaims, longestLifetimeFrom, looksLikeToken } from './tokens/session';
import type { CachedVerification } from './tokens/verified-cache';
import type { CreateTokenBaseOptions, CreateTokenPairOptions, TokenPair, VerifiedToken, VerifyTokenOptions } from './tokens/types';

/** How a token string given to a revocation was made. */
type TokenFormOptions = Pick<VerifyTokenOptions, 'base64Encoded' | 'implicitAssertion'>;

/**
 * What the session and revocation operations need of the service: its values, and callbacks into
 * its private state and public methods (called at call time, as the service's own calls were).
 */
export interface RevocationContext {
  readonly config: ResolvedPasetoConfig;
  readonly clock: PasetoClock;
  readonly denylist: DenylistStore;
  readonly denylistLoader: TokenInDenylistLoader | undefined;
  readonly feed: RevocationFeed;
  error(code: AuthPasetoErrorCode, message: string): AuthPasetoError;
  asAuthError<T>(run: () => T): T;
  open(token: string, options: VerifyTokenOptions): CachedVerification;
  issue(type: string, options: CreateTokenBaseOptions, fresh: boolean | undefined): Promise<string>;
  verifyToken(token: string, options: VerifyTokenOptions): Promise<VerifiedToken>;
  isRevocationChecked(token: Pick<RevocableToken, 'type'>): boolean;
  revokeSession(sessionId: string): Promise<void>;
  /** Records a subject cut-off, so later tokens of this process are issued after it. */
  noteCutOff(cutOff: number): void;
  /** The `onRevoke` listeners, told of a token revocation the store accepted. */
  readonly revokeListeners: RevokeListeners;
}

/** The listeners of `PasetoAuthService.onRevoke`. */
export class RevokeListeners {
  // Wrapper objects, so one function subscribed twice holds two independent subscriptions.
  readonly #listeners = new Set<{ readonly listener: (token: VerifiedToken) => void }>();

  add(listener: (token: VerifiedToken) => void): () => void {
    const subscription = { listener };
    this.#listeners.add(subscription);
    return () => {
      this.#listeners.delete(subscription);
    };
  }

  notify(verified: VerifiedToken): void {
    for (const subscription of [...this.#listeners]) {
      try {
        subscription.listener(verified);
      } catch {
        // The revocation is stored: a listener's failure is the listener's to report, not a failed revocation.
      }
    }
  }
}

/** The body of `PasetoAuthService.createTokenPair`. */
export async function createTokenPair(context: RevocationContext, options: CreateTokenPairOptions): Promise<TokenPair> {
  if (typeof options !== 'object' || options === null) throw new TypeError('token options must be an object');
  if ((options as { sessionId?: unknown }).sessionId !== undefined) {
    throw new TypeError('createTokenPair makes a new session: pass sessionId to createAccessToken or createRefreshToken to join one');
  }
  const sessionId = newSessionId();
  const { fresh, ...rest } = options;
  const accessToken = await context.issue('access', { ...rest, sessionId }, fresh ?? false);
  const refreshToken = await context.issue('refresh', { ...rest, sessionId }, undefined);
  return { accessToken, refreshToken, sessionId };
}

/** The body of `PasetoAuthService.rotateRefreshToken`. */
export async function rotateRefreshToken(context: RevocationContext, refreshToken: string, options: TokenFormOptions): Promise<TokenPair> {
  const store = sessionStore(context, 'rotate refresh tokens');
  const verified = await context.verifyToken(refreshToken, { ...options, refreshToken: true });
  const { sessionId, jti } = verified;
  if (sessionId === null || jti === null) throw context.error('invalid_argument', ErrorMessages.sessionMissing);
  // Rotation relies on the session's revocation even when refresh tokens are not checked on verification.
  if (!context.isRevocationChecked(verified) && (await context.asAuthError(() => askDenylist(context.denylist, context.denylistLoader, verified)))) {
    throw context.error('token_revoked', ErrorMessages.revoked);
  }
  const spent = await storeCall(context, () => store.spend(jti, entryUntil(context, verified.expiresAt?.getTime() ?? null)));
  if (spent !== true) {
    await context.revokeSession(sessionId);
    throw context.error('refresh_token_reused', ErrorMessages.refreshTokenReused);
  }
  const next: CreateTokenBaseOptions = {
    subject: verified.subject,
    sessionId,
    purpose: verified.purpose,
    userClaims: carriedClaims(verified.claims),
    ...(verified.claims.aud === undefined ? {} : { audience: verified.claims.aud as string | string[] }),
  };
  const accessToken = await context.issue('access', next, false);
  return { accessToken, refreshToken: await context.issue('refresh', next, undefined), sessionId };
}

/** The body of `PasetoAuthService.revokeSession`. */
export async function revokeSession(context: RevocationContext, sessionIdOrToken: string | VerifiedToken, options: TokenFormOptions): Promise<void> {
  const store = sessionStore(context, 'revoke sessions');
  let sessionId: string | null;
  if (typeof sessionIdOrToken === 'string' && !looksLikeToken(sessionIdOrToken) && options.base64Encoded !== true) {
    if (!isSessionId(sessionIdOrToken)) throw new TypeError('sessionId must be a non-empty string of at most 128 characters');
    sessionId = sessionIdOrToken;
  } else {
    sessionId = typeof sessionIdOrToken === 'string' ? context.asAuthError(() => context.open(sessionIdOrToken, options)).verified.sessionId : sessionIdOrToken.sessionId;
  }
  if (sessionId === null) throw new TypeError('cannot revoke the session of a token without a sid claim');
  const id = sessionId;
  await storeCall(context, () => store.revokeSession(id, entryUntil(context, longestLifetimeFrom(context.config, context.clock.now()))));
}

/** The body of `PasetoAuthService.revokeSubject`. */
export async function revokeSubject(context: RevocationContext, subject: string | number): Promise<void> {
  const store = sessionStore(context, 'revoke subjects');
  if (!((typeof subject === 'string' && subject !== '') || (typeof subject === 'number' && Number.isSafeInteger(subject)))) {
    throw new TypeError('subject must be a non-empty string or a safe integer');
  }
  const cutOff = context.clock.now();
  context.noteCutOff(cutOff);
  await storeCall(context, () => store.revokeSubject(subject, cutOff, entryUntil(context, longestLifetimeFrom(context.config, cutOff))));
}

/** The body of `PasetoAuthService.revokeToken`. */
export async function revokeToken(context: RevocationContext, token: string | VerifiedToken, options: TokenFormOptions): Promise<boolean> {
  if (!context.config.denylistEnabled) {
    throw new PasetoConfigError('denylistEnabled', 'must be true to revoke tokens: with the denylist off a revoked token would still be accepted');
  }
  const verified = typeof token === 'string' ? context.asAuthError(() => context.open(token, options)).verified : token;
  // Tokens without a jti (made elsewhere with a shared key) cannot be told apart from one another.
  if (verified.jti === null) throw new TypeError('cannot revoke a token without a jti claim');
  // The entry must outlive the last moment the token verifies, which is exp plus the leeway.
  const until = verified.expiresAt === null ? null : new Date(verified.expiresAt.getTime() + context.config.decodeLeeway * 1000);
  try {
    await context.denylist.revoke(verified.jti, until);
  } catch {
    throw context.error('denylist_unavailable', ErrorMessages.denylistUnavailable);
  }
  context.feed.local({ kind: 'token', jti: verified.jti });
  context.revokeListeners.notify(verified);
  return context.isRevocationChecked(verified);
}

/** How long a denylist entry must last for a token valid until `expiresAt` (ms): plus the leeway; `null`: forever. */
function entryUntil(context: RevocationContext, expiresAt: number | null): Date | null {
  return expiresAt === null ? null : new Date(expiresAt + context.config.decodeLeeway * 1000);
}

/** The store, when sessions can be served: the denylist is on and the store has every session method. */
function sessionStore(context: RevocationContext, what: string): SessionDenylistStore {
  if (!context.config.denylistEnabled) {
    throw new PasetoConfigError('denylistEnabled', `must be true to ${what}: with the denylist off a revoked session would still be accepted`);
  }
  if (!supportsSessions(context.denylist)) {
    throw new PasetoConfigError('denylist', `the store cannot ${what}: it needs revokeSession, revokeSubject, spend and onRevocation (MemoryDenylist and RedisDenylist have them)`);
  }
  return context.denylist;
}

/** A store call; its failure is `denylist_unavailable` (and a revocation that failed has not happened). */
async function storeCall<T>(context: RevocationContext, call: () => T | Promise<T>): Promise<T> {
  try {
    return await call();
  } catch {
    throw context.error('denylist_unavailable', ErrorMessages.denylistUnavailable);
  }
}
