/**
 * PASERK (Platform-Agnostic Serialized Keys) for the key types this library accepts:
 * `k3`/`k4` `local`, `secret`, `public`, and their ids `lid`, `sid`, `pid`.
 * Parsing checks form and length only; curve validity is checked when a key is imported.
 */
import { createHash } from 'node:crypto';
import { blake2b } from '@noble/hashes/blake2.js';
import type { PasetoVersion } from '../config/options';
import { decodeBase64Url, encodeBase64Url } from './encoding';

/** The serialized key types we read and write. */
export type PaserkKeyType = 'local' | 'secret' | 'public';

/** A parsed PASERK: its version, type and raw key bytes. */
export interface ParsedPaserk {
  readonly version: PasetoVersion;
  readonly type: PaserkKeyType;
  readonly data: Uint8Array;
}

/** A malformed PASERK, or key bytes that cannot be serialized. Messages never hold key material. */
export class PaserkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PaserkError';
  }
}

/** Raw key length of each version and type (PASERK types/local.md, secret.md, public.md). */
const DATA_LENGTH: Readonly<Record<PasetoVersion, Readonly<Record<PaserkKeyType, number>>>> = {
  // k3.secret is the 48-byte P-384 scalar, k3.public the 49-byte compressed point.
  3: { local: 32, secret: 48, public: 49 },
  // k4.secret is Ed25519 seed || public key, k4.public the 32-byte key.
  4: { local: 32, secret: 64, public: 32 },
};

/** The id type naming each key type. */
const ID_TYPE: Readonly<Record<PaserkKeyType, 'lid' | 'sid' | 'pid'>> = { local: 'lid', secret: 'sid', public: 'pid' };

/** Throw {@link PaserkError} unless `data` has the length (and, for k3.public, the prefix) of its type. */
export function checkKeyBytes(version: PasetoVersion, type: PaserkKeyType, data: Uint8Array): void {
  const expected = DATA_LENGTH[version][type];
  if (data.length !== expected) {
    throw new PaserkError(`a k${version}.${type} key must be ${expected} bytes, got ${data.length}`);
  }
  if (version === 3 && type === 'public' && data[0] !== 0x02 && data[0] !== 0x03) {
    throw new PaserkError('a k3.public key must be a compressed P-384 point (first byte 0x02 or 0x03)');
  }
}

/** Serialize raw key bytes as `k{version}.{type}.{base64url}`; throws {@link PaserkError} on a wrong length. */
export function serializePaserk(version: PasetoVersion, type: PaserkKeyType, data: Uint8Array): string {
  checkKeyBytes(version, type, data);
  return `k${version}.${type}.${encodeBase64Url(data)}`;
}

/**
 * Parse a PASERK of type local, secret or public. With `expected`, a PASERK of another version
 * or type is refused (PASERK: "Implementations MUST NOT accept a PASERK of the wrong version").
 * Throws {@link PaserkError} with a message naming what was expected.
 */
export function parsePaserk(paserk: string, expected: { version?: PasetoVersion; type?: PaserkKeyType } = {}): ParsedPaserk {
  const parts = paserk.split('.');
  const want = `k${expected.version ?? '{3,4}'}.${expected.type ?? '{local,secret,public}'}`;
  if (parts.length !== 3) throw new PaserkError(`expected a ${want} PASERK`);
  const [prefix, type, body] = parts;
  const version = prefix === 'k3' ? 3 : prefix === 'k4' ? 4 : undefined;
  if (version === undefined || (type !== 'local' && type !== 'secret' && type !== 'public')) {
    throw new PaserkError(`expected a ${want} PASERK`);
  }
  if ((expected.version !== undefined && expected.version !== version) || (expected.type !== undefined && expected.type !== type)) {
    // Only the header is echoed: it is not key material.
    throw new PaserkError(`expected a ${want} PASERK, got ${prefix}.${type}`);
  }
  const data = decodeBase64Url(body);
  if (data === undefined) throw new PaserkError(`the ${prefix}.${type} PASERK is not valid base64url`);
  checkKeyBytes(version, type, data);
  return { version, type, data };
}

/**
 * The PASERK id (`lid`, `sid` or `pid`) of a serialized key: `h || base64url(d)` where
 * `h = "k{v}.{id}."` and `d` is 33 bytes of BLAKE2b-264 (k4) or truncated SHA-384 (k3) of `h || paserk`.
 */
export function paserkId(paserk: string): string {
  const { version, type } = parsePaserk(paserk);
  const header = `k${version}.${ID_TYPE[type]}.`;
  const input = Buffer.from(header + paserk, 'utf8');
  const digest = version === 4 ? blake2b(input, { dkLen: 33 }) : createHash('sha384').update(input).digest().subarray(0, 33);
  return header + encodeBase64Url(digest);
}

/** The PASERK id of raw key bytes (see {@link paserkId}). */
export function keyId(version: PasetoVersion, type: PaserkKeyType, data: Uint8Array): string {
  return paserkId(serializePaserk(version, type, data));
}
