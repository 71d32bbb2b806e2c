import { isAuthPasetoError, type AuthPasetoErrorCode } from './errors';
import { isPromiseLike } from './maybe-promise';
import type { VerifiedToken } from './tokens/types';

/**
 * A refused HTTP request or socket handshake, as {@link AuthFailureListener}s see it. It never holds
 * the token or the message (which may quote request text): only what audit logs and rate limits need.
 */
export interface AuthFailureEvent {
  /** The failure's stable code (`token_missing`, `token_revoked`, `insufficient_role`, ...). */
  readonly code: AuthPasetoErrorCode;
  /** The HTTP status the client got (or would get over HTTP, for a socket). */
  readonly status: number;
  /** Where the refusal happened. */
  readonly transport: 'http' | 'socket';
  /** The client's address: express `req.ip` (so `trust proxy` applies), else the connection's; socket.io `handshake.address`. */
  readonly ip?: string;
  /** The `sub` of a token that verified but was refused later (revoked, wrong type, not fresh, a missing role or user). */
  readonly subject?: string | number;
  /** The `jti` of such a token, when it has one. */
  readonly jti?: string;
  /** When, on the service's clock. */
  readonly at: Date;
}

/**
 * Told of each refusal; see `PasetoAuthService.onAuthFailure`. It may return a promise (e.g. a rate
 * limiter's): nobody waits for it. Its errors and rejections are ignored.
 */
export type AuthFailureListener = (event: AuthFailureEvent) => unknown;

/** Where a refusal happened, as an adapter knows it. */
export interface FailureContext {
  readonly transport: 'http' | 'socket';
  readonly ip?: string | undefined;
}

// The token a failure is about, when it verified before being refused. Kept beside the error (not
// on it) so the error a client sees, and its JSON, stay exactly what they were.
const refusedTokens = new WeakMap<object, VerifiedToken>();

/** Records that `failure` refuses a token that had verified; returns `failure`, to be thrown. */
export function withRefusedToken<E>(failure: E, token: VerifiedToken | null | undefined): E {
  if (token != null && typeof failure === 'object' && failure !== null) refusedTokens.set(failure, token);
  return failure;
}

/** The token recorded by {@link withRefusedToken}, if any. */
export function refusedTokenOf(failure: unknown): VerifiedToken | undefined {
  return typeof failure === 'object' && failure !== null ? refusedTokens.get(failure) : undefined;
}

/** A service's failure listeners. */
export class AuthFailureListeners {
  // Wrapper objects, so one function subscribed twice holds two independent subscriptions.
  readonly #listeners = new Set<{ readonly listener: AuthFailureListener }>();
  // An error replayed to several checkers of one request (or socket) is one refusal.
  readonly #reported = new WeakSet<object>();

  add(listener: AuthFailureListener): () => void {
    if (typeof listener !== 'function') throw new TypeError('onAuthFailure takes a function');
    const subscription = { listener };
    this.#listeners.add(subscription);
    return () => {
      this.#listeners.delete(subscription);
    };
  }

  /** Tells every listener of `error` when it is an authentication failure not reported yet. */
  report(error: unknown, context: FailureContext, now: number): void {
    if (this.#listeners.size === 0 || !isAuthPasetoError(error) || this.#reported.has(error)) return;
    this.#reported.add(error);
    const token = refusedTokenOf(error);
    const event: AuthFailureEvent = Object.freeze({
      code: error.code,
      status: error.httpCode,
      transport: context.transport,
      ...(context.ip ? { ip: context.ip } : {}),
      ...(token ? { subject: token.subject } : {}),
      ...(token?.jti != null ? { jti: token.jti } : {}),
      at: new Date(now),
    });
    for (const { listener } of [...this.#listeners]) {
      try {
        const result: unknown = listener(event);
        // A rate limiter's promise rejects to say "limit reached": never an unhandled rejection.
        if (isPromiseLike(result)) Promise.resolve(result).catch(() => undefined);
      } catch {
        // An audit logger that fails must not turn a 401 into a 500.
      }
    }
  }
}
