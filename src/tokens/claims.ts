import { randomBytes, randomUUID } from 'node:crypto';
import type { ResolvedPasetoConfig } from '../config/options';
import { MAX_LIFETIME_SECONDS } from '../config/schema';

/**
 * Claims this library sets itself; `userClaims` may not use them. `csrf` is reserved even when
 * cookie CSRF protection is off, so turning it on later never meets a user claim of that name.
 */
export const RESERVED_CLAIMS: readonly string[] = Object.freeze(['aud', 'csrf', 'exp', 'fresh', 'iat', 'iss', 'jti', 'nbf', 'sid', 'sub', 'type']);

/** True when new tokens carry a `csrf` claim: cookie CSRF protection is on and cookies are a configured location. */
export function issuesCsrfClaim(config: Pick<ResolvedPasetoConfig, 'cookieCsrfProtect' | 'tokenLocation'>): boolean {
  return config.cookieCsrfProtect && config.tokenLocation.includes('cookies');
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;

/** An instant as PASETO wants it: RFC 3339, whole seconds, UTC. */
export function formatTime(milliseconds: number): string {
  return new Date(Math.floor(milliseconds / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * An instant with millisecond precision (RFC 3339 with fractional seconds, UTC): the `iat` claim,
 * so that a subject's revocation cut-off and a token issued right after it fall on the right sides.
 */
export function formatTimeMs(milliseconds: number): string {
  return new Date(milliseconds).toISOString();
}

/**
 * Milliseconds of an RFC 3339 claim; `undefined` when absent, `NaN` when malformed. A date that does
 * not exist (February 30th, 24:00) is malformed, not rolled over to another day as `Date` would.
 */
export function parseTime(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const match = typeof value === 'string' ? RFC3339.exec(value) : null;
  if (match === null) return Number.NaN;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const calendar = new Date(Date.UTC(year, month - 1, day));
  const exists = calendar.getUTCFullYear() === year && calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day;
  const offsetValid = match[9] === undefined || (Number(match[9]) <= 23 && Number(match[10]) <= 59);
  if (!exists || hour > 23 || minute > 59 || second > 59 || !offsetValid) return Number.NaN;
  return Date.parse(value as string);
}

/**
 * A new token's `exp` in milliseconds (`null`: none) from the caller's `expiresIn` (seconds, a
 * Date, or `false`), else the configured `lifetime` of its type (seconds, or `false`).
 * @throws TypeError for an `expiresIn` that is no lifetime, or beyond a century either way
 */
export function expiryOf(expiresIn: number | Date | false | undefined, now: number, lifetime: number | false): number | null {
  if (expiresIn === false) return null;
  if (expiresIn === undefined) return lifetime === false ? null : now + lifetime * 1000;
  const at = expiresIn instanceof Date ? expiresIn.getTime() : typeof expiresIn === 'number' ? now + expiresIn * 1000 : Number.NaN;
  // Within a century either way: beyond that it is a mistake, and far enough it is no date at all.
  if (!(Math.abs(at - now) <= MAX_LIFETIME_SECONDS * 1000)) {
    throw new TypeError('expiresIn must be seconds or a valid Date within a century from now, or false');
  }
  return at;
}

/** What a new token says, before encoding. */
export interface ClaimsInput {
  subject: string | number;
  type: string;
  fresh?: boolean;
  now: number;
  /** Absolute expiry in milliseconds, or `null` for none. */
  expiresAt: number | null;
  issuer?: string;
  audience?: string | readonly string[];
  userClaims?: Readonly<Record<string, unknown>>;
  /** Add a random `csrf` claim (the double-submit value of cookie-borne tokens). */
  csrf?: boolean;
  /** The `sid` claim: the session the token belongs to. */
  sessionId?: string;
}

/** Checks what a caller passes to `create*Token`; a programming mistake is a TypeError naming the argument. */
export function checkClaimsInput(input: ClaimsInput): void {
  const { subject, type, audience, issuer, userClaims, fresh, sessionId } = input;
  if (!((typeof subject === 'string' && subject !== '') || (typeof subject === 'number' && Number.isSafeInteger(subject)))) {
    throw new TypeError('subject must be a non-empty string or a safe integer');
  }
  if (typeof type !== 'string' || type === '') throw new TypeError('type must be a non-empty string');
  if (fresh !== undefined && typeof fresh !== 'boolean') throw new TypeError('fresh must be a boolean');
  if (sessionId !== undefined && !isSessionId(sessionId)) throw new TypeError('sessionId must be a non-empty string of at most 128 characters');
  if (issuer !== undefined && (typeof issuer !== 'string' || issuer === '')) throw new TypeError('issuer must be a non-empty string');
  if (
    audience !== undefined &&
    !(typeof audience === 'string' && audience !== '') &&
    !(Array.isArray(audience) && audience.length > 0 && audience.every((entry) => typeof entry === 'string' && entry !== ''))
  ) {
    throw new TypeError('audience must be a non-empty string or a non-empty list of strings');
  }
  if (userClaims !== undefined) {
    if (typeof userClaims !== 'object' || userClaims === null || Array.isArray(userClaims)) {
      throw new TypeError('userClaims must be a plain object');
    }
    const reserved = RESERVED_CLAIMS.filter((name) => Object.hasOwn(userClaims, name));
    if (reserved.length > 0) {
      throw new TypeError(`userClaims cannot include reserved claims: ${reserved.join(', ')} (reserved: ${RESERVED_CLAIMS.join(', ')})`);
    }
  }
}

/** A session id as tokens carry it in `sid`: a non-empty string, short enough to key a store on. */
export function isSessionId(value: unknown): value is string {
  // Not of a PASETO's form, so that revokeSession can tell a session id from a token.
  return typeof value === 'string' && value !== '' && value.length <= 128 && !/^v\d\.(local|public)\./.test(value);
}

/** A new random session id: 128 random bits, base64url. */
export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}

/** The claims of a new token, in fastapi-paseto's layout. */
export function buildClaims(input: ClaimsInput): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    ...input.userClaims,
    sub: input.subject,
    type: input.type,
    jti: randomUUID(),
    iat: formatTimeMs(input.now),
    nbf: formatTime(input.now),
  };
  if (input.sessionId !== undefined) claims.sid = input.sessionId;
  if (input.type === 'access') claims.fresh = input.fresh ?? false;
  if (input.expiresAt !== null) claims.exp = formatTime(input.expiresAt);
  if (input.issuer !== undefined) claims.iss = input.issuer;
  if (input.audience !== undefined) claims.aud = typeof input.audience === 'string' ? input.audience : [...input.audience];
  // 256 random bits, base64url: safe in a cookie and a header without encoding.
  if (input.csrf) claims.csrf = randomBytes(32).toString('base64url');
  return claims;
}

/** True when the token's `aud` (string or list) shares a value with the accepted audiences. */
export function audienceMatches(aud: unknown, accepted: readonly string[]): boolean {
  if (typeof aud === 'string') return accepted.includes(aud);
  return Array.isArray(aud) && aud.some((entry) => typeof entry === 'string' && accepted.includes(entry));
}

/**
 * Freezes a parsed JSON value all the way down. A verified token is cached and handed to every
 * request that presents it again, so no request may change what the next one sees (roles above all).
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const entry of Object.values(value)) deepFreeze(entry);
  }
  return value;
}
