/**
 * Published key sets: `{ keys: ['k4.public.…', …] }`, the public keys of a ring as PASERK, which an
 * issuer serves and verify-only services fetch (see remote-key-set.ts). Parsing is strict: a set
 * is taken whole or refused whole, and no message quotes key material.
 */
import type { PasetoVersion } from '../config/options';
import { ImportedKey } from './imported-key';
import type { KeyRing, PasetoKey } from './key-ring';
import { PaserkError, keyId, parsePaserk, serializePaserk } from './paserk';
import { isSmallOrderEd25519, publicBytesOf, publicKeyFromBytes } from './raw';

/** A published key set: the public keys of an issuer as `k4.public` / `k3.public` PASERK strings. */
export interface PasetoKeySet {
  keys: string[];
}

/** Where an issuer serves its key set by convention. */
export const PASETO_KEY_SET_PATH = '/.well-known/paseto-keys';

/** Most keys a fetched set may hold: each kid-less token is tried against every key. */
export const MAX_KEY_SET_KEYS = 32;

/** A key set that could not be fetched, or was refused; the service keeps the keys it had. */
export class KeySetError extends Error {
  /** The key set URL without its query string. */
  readonly url: string;

  constructor(url: string, reason: string) {
    super(`Key set ${url}: ${reason}`);
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'KeySetError';
    this.url = url;
  }
}

/** The set a ring publishes: the public half of each of its public keys, in ring order (signer first). */
export function publicKeySetOf(ring: KeyRing): PasetoKeySet {
  const keys: string[] = [];
  for (const key of ring.keys) {
    const material = ImportedKey.materialOf(key);
    if (material.purpose === 'public') keys.push(serializePaserk(key.version, 'public', material.publicBytes));
  }
  return { keys };
}

/**
 * The verification keys of a fetched set, or the reason it is refused (a string). Refused: anything
 * but `{ keys: [string, …] }` with 1 to {@link MAX_KEY_SET_KEYS} entries, a secret or local key
 * (an issuer leaking it), a public key of another version than `version`, a malformed or
 * small-order key, and a key listed twice.
 */
export function parseKeySet(body: unknown, version: PasetoVersion): PasetoKey[] | string {
  const keys = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys)) return "is not a key set: expected { keys: ['k4.public.…', …] }";
  if (keys.length === 0) return 'holds no keys';
  if (keys.length > MAX_KEY_SET_KEYS) return `holds ${keys.length} keys, more than ${MAX_KEY_SET_KEYS}`;
  const imported: PasetoKey[] = [];
  const seen = new Set<string>();
  for (const [index, entry] of keys.entries()) {
    const key = typeof entry === 'string' ? importPublicPaserk(entry, version) : 'is not a PASERK string';
    if (typeof key === 'string') return `keys[${index}] ${key}`;
    if (seen.has(key.kid)) return `keys[${index}] is listed twice`;
    seen.add(key.kid);
    imported.push(key);
  }
  return imported;
}

/** One `k{version}.public` PASERK imported, or why not (never quoting the key). */
function importPublicPaserk(paserk: string, version: PasetoVersion): ImportedKey | string {
  const [prefix, type] = paserk.split('.', 2);
  if (/^k[0-9]+$/.test(prefix) && (type === 'secret' || type === 'local')) {
    return `is a ${type} key: a key set publishes public keys only, and this one must be replaced at its issuer now`;
  }
  try {
    const { data } = parsePaserk(paserk, { version, type: 'public' });
    if (version === 4 && isSmallOrderEd25519(data)) return 'is an Ed25519 point of small order: anyone could forge tokens it accepts';
    const publicKey = publicKeyFromBytes(version, data);
    // Canonical bytes, so one key always has one kid.
    const publicBytes = publicBytesOf(version, publicKey);
    return new ImportedKey(version, keyId(version, 'public', publicBytes), { purpose: 'public', publicKey, publicBytes, privateKey: undefined });
  } catch (error) {
    if (error instanceof PaserkError) return `is not valid: ${error.message}`;
    throw error;
  }
}
