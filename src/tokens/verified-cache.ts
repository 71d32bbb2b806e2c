import type { VerifiedToken } from './types';

/** A verified token with what re-checking it on a cache hit needs. */
export interface CachedVerification {
  readonly verified: VerifiedToken;
  /** The implicit assertion it was verified with: a hit must present the same one. */
  readonly assertion: Uint8Array;
  /** `exp` and `nbf` in milliseconds (`undefined` when absent). */
  readonly expiresAt: number | undefined;
  readonly notBefore: number | undefined;
}

/**
 * A bounded cache of successful verifications keyed by the exact token string, so a token seen
 * again skips the cryptography. Entries never outlive `exp` (plus leeway); time claims and the
 * denylist are still checked by the caller on every use. The least recently used entry leaves
 * first, so tokens in rotation stay while one-off tokens pass through (a first-in-first-out
 * cache smaller than the active users never hits). A Map keeps insertion order: a hit is moved
 * to the end by delete + set, and the first key is the least recently used.
 * The entries (live bearer tokens and their claims) are in a private field: `console.log` and
 * `JSON.stringify` of the cache or the service never show them.
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, CachedVerification>();

  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  get(token: string, assertion: Uint8Array, now: number, leewayMs: number): CachedVerification | undefined {
    const entry = this.#entries.get(token);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== undefined && now > entry.expiresAt + leewayMs) {
      this.#entries.delete(token);
      return undefined;
    }
    if (!sameBytes(entry.assertion, assertion)) return undefined;
    this.#entries.delete(token);
    this.#entries.set(token, entry);
    return entry;
  }

  set(token: string, entry: CachedVerification): void {
    if (this.#maxEntries === 0) return;
    this.#entries.delete(token);
    if (this.#entries.size >= this.#maxEntries) {
      const leastRecent = this.#entries.keys().next();
      if (!leastRecent.done) this.#entries.delete(leastRecent.value);
    }
    this.#entries.set(token, entry);
  }

  /** Forgets every entry (keys were removed: their tokens must be verified again). */
  clear(): void {
    this.#entries.clear();
  }

  /** Entries held, expired ones included until they are next looked up or pushed out. */
  get size(): number {
    return this.#entries.size;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;
}
