import type { DenylistStore, RevocableToken } from './store';

/** Options of {@link MemoryDenylist}. */
export interface MemoryDenylistOptions {
  /** Most revoked ids kept at once. Default 100 000. */
  maxEntries?: number;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/** Thrown by {@link MemoryDenylist.revoke} when it is full of unexpired entries. */
export class DenylistFullError extends Error {
  constructor(maxEntries: number) {
    super(`The in-memory denylist holds ${maxEntries} unexpired revocations; raise maxEntries or use a shared store such as Redis`);
    this.name = 'DenylistFullError';
  }
}

/**
 * The default denylist: revoked ids in a Map, each kept until its token would have expired.
 * Bounded: when full it first drops expired entries, and if every entry is still live it
 * refuses the revocation (forgetting a live one would silently un-revoke a token).
 * One process only: use a shared store when several processes serve the same tokens.
 */
export class MemoryDenylist implements DenylistStore {
  readonly #entries = new Map<string, number>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: MemoryDenylistOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  /** Number of revocations held (expired ones included until the next sweep). */
  get size(): number {
    return this.#entries.size;
  }

  isRevoked(token: RevocableToken): boolean {
    const until = this.#entries.get(token.jti);
    if (until === undefined) return false;
    // `until` is the last millisecond the token verifies (exp + leeway): still revoked then.
    if (until < this.#now()) {
      this.#entries.delete(token.jti);
      return false;
    }
    return true;
  }

  revoke(jti: string, expiresAt: Date | null): void {
    const until = expiresAt === null ? Number.POSITIVE_INFINITY : expiresAt.getTime();
    if (!this.#entries.has(jti) && this.#entries.size >= this.#maxEntries) {
      this.sweep();
      if (this.#entries.size >= this.#maxEntries) throw new DenylistFullError(this.#maxEntries);
    }
    this.#entries.set(jti, until);
  }

  private sweep(): void {
    const now = this.#now();
    for (const [jti, until] of this.#entries) if (until < now) this.#entries.delete(jti);
  }
}
