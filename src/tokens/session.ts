/** The session rules of tokens (claim `sid`): how long a session can live, what a rotation carries over. */
import type { ResolvedPasetoConfig } from '../config/options';
import { RESERVED_CLAIMS } from './claims';

type Lifetimes = Pick<ResolvedPasetoConfig, 'accessTokenExpires' | 'refreshTokenExpires' | 'otherTokenExpires'>;

/** When the longest-lived token issued at `from` expires (ms), `null` when some type never expires. */
export function longestLifetimeFrom(config: Lifetimes, from: number): number | null {
  const lifetimes = [config.accessTokenExpires, config.refreshTokenExpires, config.otherTokenExpires];
  let longest = 0;
  for (const lifetime of lifetimes) {
    if (lifetime === false) return null;
    longest = Math.max(longest, lifetime);
  }
  return from + longest * 1000;
}

/**
 * A session's revocation lasts as long as its tokens can; a token joining a session with a lifetime
 * beyond the longest configured one would outlive it, so it is refused.
 * @throws TypeError for such an `expiresIn`
 */
export function checkSessionLifetime(config: Lifetimes, expiresIn: number | Date | false | undefined, now: number): void {
  const longest = longestLifetimeFrom(config, now);
  if (longest === null || expiresIn === undefined) return;
  const at = expiresIn === false ? null : expiresIn instanceof Date ? expiresIn.getTime() : now + expiresIn * 1000;
  if (at === null || at > longest) {
    throw new TypeError('a token of a session cannot outlive the longest configured lifetime (accessTokenExpires, refreshTokenExpires, otherTokenExpires)');
  }
}

/** A PASETO string rather than a session id (session ids cannot take this form, see `isSessionId`). */
export function looksLikeToken(value: string): boolean {
  return /^v\d\.(local|public)\./.test(value);
}

/** The claims a rotation carries into the next pair: the user claims (every claim not reserved). */
export function carriedClaims(claims: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(claims).filter(([name]) => !RESERVED_CLAIMS.includes(name)));
}
