import type { Revocation, RevocableToken } from './store';

/**
 * A revocation with the moment it stops mattering (milliseconds, `Infinity` for never). Subjects
 * travel as their JSON text so that subject `42` and subject `'42'` stay apart.
 */
export type TimedRevocation =
  | { kind: 'token'; id: string; until: number }
  | { kind: 'session'; id: string; until: number }
  | { kind: 'subject'; id: string; issuedUpToMs: number; until: number };

/** The key a subject is stored under. */
export function subjectKey(subject: string | number): string {
  return JSON.stringify(subject);
}

/** `expiresAt` as milliseconds, `Infinity` for `null`; a TypeError for anything else. */
export function untilOf(expiresAt: Date | null): number {
  if (expiresAt === null) return Number.POSITIVE_INFINITY;
  if (!(expiresAt instanceof Date) || Number.isNaN(expiresAt.getTime())) throw new TypeError('expiresAt must be a valid Date or null');
  return expiresAt.getTime();
}

/** Checks the arguments of a revocation and gives it its stored shape. */
export function timedRevocation(revocation: Revocation, expiresAt: Date | null): TimedRevocation {
  const until = untilOf(expiresAt);
  switch (revocation.kind) {
    case 'token':
      return { kind: 'token', id: nonEmpty(revocation.jti, 'jti'), until };
    case 'session':
      return { kind: 'session', id: nonEmpty(revocation.sessionId, 'sessionId'), until };
    case 'subject': {
      const { subject, issuedUpToMs } = revocation;
      if (!((typeof subject === 'string' && subject !== '') || (typeof subject === 'number' && Number.isSafeInteger(subject)))) {
        throw new TypeError('subject must be a non-empty string or a safe integer');
      }
      if (!Number.isFinite(issuedUpToMs)) throw new TypeError('issuedUpToMs must be a finite number of milliseconds');
      return { kind: 'subject', id: subjectKey(subject), issuedUpToMs, until };
    }
  }
}

/** The public form of a stored revocation, for listeners. */
export function publicRevocation(revocation: TimedRevocation): Revocation {
  switch (revocation.kind) {
    case 'token':
      return { kind: 'token', jti: revocation.id };
    case 'session':
      return { kind: 'session', sessionId: revocation.id };
    case 'subject':
      return { kind: 'subject', subject: JSON.parse(revocation.id) as string | number, issuedUpToMs: revocation.issuedUpToMs };
  }
}

function nonEmpty(value: string, name: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${name} must be a non-empty string`);
  return value;
}

/** What a revocation check looks at, from the token's fields or else its claims. */
interface TokenFacts {
  jti: string | null;
  sessionId: string | null;
  subject: string | null;
  issuedAtMs: number | null;
}

function factsOf(token: RevocableToken): TokenFacts {
  const { claims } = token;
  const sessionId = token.sessionId !== undefined ? token.sessionId : typeof claims.sid === 'string' ? claims.sid : null;
  const sub = token.subject ?? claims.sub;
  const subject = typeof sub === 'string' || typeof sub === 'number' ? subjectKey(sub) : null;
  let issuedAtMs = token.issuedAtMs !== undefined ? token.issuedAtMs : typeof claims.iat === 'string' ? Date.parse(claims.iat) : null;
  // A malformed iat cannot be placed against a cut-off: treat it as unknown (refused by any cut-off).
  if (issuedAtMs !== null && !Number.isFinite(issuedAtMs)) issuedAtMs = null;
  return { jti: token.jti, sessionId, subject, issuedAtMs };
}

/**
 * The revocations one process knows: token ids, session ids and subject cut-offs, each kept while
 * `now <= until` and forgotten strictly after. Adding only ever widens what is refused, so the
 * same revocation arriving twice (a local write, then its echo from Redis) changes nothing.
 */
export class RevocationSet {
  readonly #tokens = new Map<string, number>();
  readonly #sessions = new Map<string, number>();
  readonly #subjects = new Map<string, { issuedUpToMs: number; until: number }>();

  /** Entries held, expired ones included until the next sweep. */
  get size(): number {
    return this.#tokens.size + this.#sessions.size + this.#subjects.size;
  }

  /** True when an entry for this revocation's id is held already (adding it takes no room). */
  holds(revocation: TimedRevocation): boolean {
    return this.#mapOf(revocation.kind).has(revocation.id);
  }

  /** Adds a revocation; true when it changes what is refused (a new id, or a later subject cut-off). */
  add(revocation: TimedRevocation, now: number): boolean {
    if (revocation.until < now) return false;
    if (revocation.kind === 'subject') {
      const held = this.#subjects.get(revocation.id);
      const live = held !== undefined && held.until >= now;
      if (live && held.issuedUpToMs >= revocation.issuedUpToMs) {
        held.until = Math.max(held.until, revocation.until);
        return false;
      }
      this.#subjects.set(revocation.id, { issuedUpToMs: revocation.issuedUpToMs, until: Math.max(revocation.until, live ? held.until : 0) });
      return true;
    }
    const map = revocation.kind === 'token' ? this.#tokens : this.#sessions;
    const held = map.get(revocation.id);
    map.set(revocation.id, Math.max(revocation.until, held ?? 0));
    return held === undefined || held < now;
  }

  isRevoked(token: RevocableToken, now: number): boolean {
    const facts = factsOf(token);
    if (facts.jti !== null && live(this.#tokens.get(facts.jti), now)) return true;
    if (facts.sessionId !== null && live(this.#sessions.get(facts.sessionId), now)) return true;
    if (facts.subject === null) return false;
    const cutOff = this.#subjects.get(facts.subject);
    return cutOff !== undefined && cutOff.until >= now && (facts.issuedAtMs === null || facts.issuedAtMs <= cutOff.issuedUpToMs);
  }

  /** Forgets every entry whose `until` has passed. */
  sweep(now: number): void {
    for (const map of [this.#tokens, this.#sessions]) for (const [id, until] of map) if (until < now) map.delete(id);
    for (const [id, { until }] of this.#subjects) if (until < now) this.#subjects.delete(id);
  }

  #mapOf(kind: TimedRevocation['kind']): Map<string, unknown> {
    return kind === 'token' ? this.#tokens : kind === 'session' ? this.#sessions : this.#subjects;
  }
}

function live(until: number | undefined, now: number): boolean {
  return until !== undefined && until >= now;
}
