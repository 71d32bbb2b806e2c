import { systemClock } from '../clock';
import { RevocationSet, publicRevocation, timedRevocation, untilOf, type TimedRevocation } from './revocation-set';
import type { Revocation, RevocableToken, SessionDenylistStore } from './store';

/** Options of {@link MemoryDenylist}. */
export interface MemoryDenylistOptions {
  /** Most entries (revocations and spent token ids) kept at once. Default 100 000. */
  maxEntries?: number;
  /** Clock in milliseconds (the service's clock, or a test clock). Default: the system clock. */
  clock?: { now(): number };
}

/** Thrown by {@link MemoryDenylist} when it is full of unexpired entries. */
export class DenylistFullError extends Error {
  constructor(maxEntries: number) {
    super(`The in-memory denylist holds ${maxEntries} unexpired revocations; raise maxEntries or use a shared store such as Redis`);
    this.name = 'DenylistFullError';
  }
}


/**
 * The default denylist, for one process: revoked token ids, revoked sessions, subject cut-offs and
 * spent refresh-token ids in memory, each kept until its `expiresAt` and forgotten strictly after.
 * Bounded: when full it first drops expired entries, and if every entry is still live it refuses
 * (forgetting a live one would silently un-revoke a token). Use a shared store such as
 * `RedisDenylist` when several processes serve the same tokens.
 */
export class MemoryDenylist implements SessionDenylistStore {
  readonly #revocations = new RevocationSet();
  readonly #spent = new Map<string, number>();
  readonly #listeners = new Set<(revocation: Revocation) => void>();
  readonly #maxEntries: number;
  readonly #clock: { now(): number };

  constructor(options: MemoryDenylistOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#clock = options.clock ?? systemClock;
  }

  /** Number of entries held (expired ones included until the next sweep). */
  get size(): number {
    return this.#revocations.size + this.#spent.size;
  }

  isRevoked(token: RevocableToken): boolean {
    return this.#revocations.isRevoked(token, this.#clock.now());
  }

  revoke(jti: string, expiresAt: Date | null): void {
    this.#record(timedRevocation({ kind: 'token', jti }, expiresAt));
  }

  revokeSession(sessionId: string, expiresAt: Date | null): void {
    this.#record(timedRevocation({ kind: 'session', sessionId }, expiresAt));
  }

  revokeSubject(subject: string | number, issuedUpToMs: number, expiresAt: Date | null): void {
    this.#record(timedRevocation({ kind: 'subject', subject, issuedUpToMs }, expiresAt));
  }

  spend(jti: string, expiresAt: Date | null): boolean {
    if (typeof jti !== 'string' || jti === '') throw new TypeError('jti must be a non-empty string');
    const until = untilOf(expiresAt);
    const now = this.#clock.now();
    if (until < now) return false;
    const held = this.#spent.get(jti);
    if (held !== undefined && held >= now) return false;
    if (held === undefined) this.#makeRoom(now);
    this.#spent.set(jti, until);
    return true;
  }

  onRevocation(listener: (revocation: Revocation) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #record(revocation: TimedRevocation): void {
    const now = this.#clock.now();
    if (revocation.until < now) return; // the token fails on exp already
    if (!this.#revocations.holds(revocation)) this.#makeRoom(now);
    if (!this.#revocations.add(revocation, now)) return;
    const event = publicRevocation(revocation);
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // The revocation has happened; a failing listener must not undo or hide that.
      }
    }
  }

  #makeRoom(now: number): void {
    if (this.size < this.#maxEntries) return;
    this.#revocations.sweep(now);
    for (const [jti, until] of this.#spent) if (until < now) this.#spent.delete(jti);
    if (this.size >= this.#maxEntries) throw new DenylistFullError(this.#maxEntries);
  }
}
