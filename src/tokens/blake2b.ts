/**
 * Keyed BLAKE2b for v4.local, which is most of its cost: libsodium through `sodium-native` when
 * that optional package is installed (about ten times faster), else `@noble/hashes` (portable).
 * Both give the same bytes; the official vectors run against each.
 */
import { blake2b } from '@noble/hashes/blake2.js';

/** A keyed BLAKE2b of the concatenation of `parts`, `outputBytes` long. */
export type KeyedHash = (parts: readonly Uint8Array[], outputBytes: number) => Uint8Array;

export interface Blake2bImplementation {
  readonly name: 'sodium-native' | 'noble';
  /** For a long-lived key (a v4.local secret): what is constant per key is computed once. */
  forKey(key: Uint8Array): KeyedHash;
  /** For a one-off key (a per-token authentication key). */
  hash(key: Uint8Array, parts: readonly Uint8Array[], outputBytes: number): Uint8Array;
}

/** The part of sodium-native this module calls. */
interface SodiumGenericHash {
  crypto_generichash_batch(output: Uint8Array, inputs: readonly Uint8Array[], key?: Uint8Array): void;
}

export const nobleBlake2b: Blake2bImplementation = {
  name: 'noble',
  forKey(key) {
    // The key fills BLAKE2b's first block: hashing it once per output length and cloning that
    // state saves one of the two compressions of a key derivation.
    const prepared = new Map<number, ReturnType<typeof blake2b.create>>();
    return (parts, outputBytes) => {
      let state = prepared.get(outputBytes);
      if (state === undefined) {
        state = blake2b.create({ key, dkLen: outputBytes });
        prepared.set(outputBytes, state);
      }
      const hasher = state.clone();
      for (const part of parts) hasher.update(part);
      return hasher.digest();
    };
  },
  hash(key, parts, outputBytes) {
    const hasher = blake2b.create({ key, dkLen: outputBytes });
    for (const part of parts) hasher.update(part);
    return hasher.digest();
  },
};

function sodiumBlake2b(sodium: SodiumGenericHash): Blake2bImplementation {
  const hash = (key: Uint8Array, parts: readonly Uint8Array[], outputBytes: number): Uint8Array => {
    const output = Buffer.allocUnsafe(outputBytes);
    sodium.crypto_generichash_batch(output, parts, key);
    return output;
  };
  // Native hashing of the key block costs less than copying a prepared state would.
  return { name: 'sodium-native', forKey: (key) => (parts, outputBytes) => hash(key, parts, outputBytes), hash };
}

/** sodium-native when it is installed and loads (prebuilt binaries ship inside its package). */
function loadSodium(): Blake2bImplementation | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional package, loaded only if present
    const sodium = require('sodium-native') as Partial<SodiumGenericHash>;
    return typeof sodium.crypto_generichash_batch === 'function' ? sodiumBlake2b(sodium as SodiumGenericHash) : undefined;
  } catch {
    return undefined;
  }
}

/** Every implementation available here, the fastest first (the tests run the vectors on each). */
export const blake2bImplementations: readonly Blake2bImplementation[] = [loadSodium(), nobleBlake2b].filter(
  (implementation): implementation is Blake2bImplementation => implementation !== undefined,
);

let active: Blake2bImplementation = blake2bImplementations[0];

/** The implementation v4.local uses now. */
export function activeBlake2b(): Blake2bImplementation {
  return active;
}

/**
 * Makes v4.local use `implementation` from now on.
 * @internal For the tests and the benchmark, which compare both; not part of the public API.
 */
export function useBlake2b(implementation: Blake2bImplementation): void {
  active = implementation;
}
