/**
 * Key material from options: inline values or files, PASERK, PEM, raw bytes, hex, base64url.
 * Everything is synchronous (the service imports keys in its constructor) and every failure is a
 * {@link PasetoConfigError} naming the field and what was expected, never quoting the material.
 */
import { readFileSync } from 'node:fs';
import type { KeyMaterial, PasetoVersion } from '../config/options';
import { PasetoConfigError } from '../errors';
import { PaserkError, checkKeyBytes, parsePaserk } from './paserk';
import { importPrivatePem, importPublicPem, isPem } from './pem';
import { isSmallOrderEd25519, keyPairFromPrivateKey, keyPairFromSecretBytes, publicBytesOf, publicKeyFromBytes, secretBytesOf, type ImportedKeyPair } from './raw';

/** What every refusal of a key that is no secret says to do instead. */
const KEYGEN = 'run `npx paseto-controllers keygen` for a random key';

/** A value read from an option: the material and the field it came from (for errors). */
export interface FieldValue {
  readonly value: KeyMaterial;
  readonly field: string;
}

/**
 * The material of one option pair (`secretKey` / `secretKeyFile`, ...): the inline value, or the
 * trimmed text of the file; `undefined` when neither is set. Both set is an error.
 */
export function readMaterial(inline: KeyMaterial | undefined, file: string | undefined, field: string): FieldValue | undefined {
  const fileField = `${field}File`;
  if (inline !== undefined && file !== undefined) {
    throw new PasetoConfigError(field, `give either ${field} or ${fileField}, not both`);
  }
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new PasetoConfigError(fileField, `cannot read the key file${code === undefined ? '' : ` (${code})`}`);
    }
    return { value: text.trim(), field: fileField };
  }
  return inline === undefined ? undefined : { value: inline, field };
}

/** Re-throw a PASERK/raw failure as a config error of `field`. */
function asConfigError<T>(field: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof PaserkError) throw new PasetoConfigError(field, error.message);
    throw error;
  }
}

function isPaserk(text: string): boolean {
  return /^k[0-9]+\./.test(text);
}

/** Uint8Array key material that holds PEM text (e.g. a file read without an encoding). */
function bytesAsPem(bytes: Uint8Array): string | undefined {
  const text = Buffer.from(bytes).toString('latin1');
  return isPem(text) ? text.trim() : undefined;
}

const HEX_32 = /^[0-9a-fA-F]{64}$/;
const BASE64_32 = /^[A-Za-z0-9+/_-]{43}=?$/;

/**
 * A local (symmetric) key: a `k{version}.local.` PASERK, or exactly 32 bytes given as a
 * Uint8Array, 64 hex characters, or base64url (standard base64 is accepted too).
 */
export function parseLocalSecret(material: FieldValue, version: PasetoVersion): Buffer {
  const secret = decodeLocalSecret(material, version);
  // 32 zero bytes is a placeholder (or an unset buffer), not a secret: anyone could make tokens.
  // Keys of one repeated non-zero byte are left to the user (test suites use them as fixed keys).
  if (secret.every((byte) => byte === 0)) {
    throw new PasetoConfigError(material.field, `a local key of 32 zero bytes is a placeholder, not a secret: ${KEYGEN}`);
  }
  // Random bytes are all printable ASCII with odds of (95/256)^32, about 2^-46: these are text.
  if (secret.every((byte) => byte >= 0x20 && byte < 0x7f)) {
    throw new PasetoConfigError(material.field, `the 32 bytes of the local key are printable text, a passphrase rather than a random key: ${KEYGEN}`);
  }
  return secret;
}

/**
 * True when 43 base64 characters look like random bytes, not words. Random ones lack upper or
 * lower case letters with odds of 2^-32 each, and hold 16 or fewer distinct characters with odds
 * of 2^-39; a passphrase of 43 letters (which decodes as 32 bytes) seldom has either.
 */
function looksRandomBase64(text: string): boolean {
  return /[A-Z]/.test(text) && /[a-z]/.test(text) && new Set(text.replace(/=+$/, '')).size > 16;
}

/** The 32 bytes of a local key in any accepted form (see {@link parseLocalSecret}). */
function decodeLocalSecret({ value, field }: FieldValue, version: PasetoVersion): Buffer {
  const expected = `expected a k${version}.local PASERK, or 32 random bytes as a Uint8Array, base64url or 64 hex characters, not a passphrase (${KEYGEN})`;
  if (typeof value !== 'string') {
    if (value.length !== 32) throw new PasetoConfigError(field, `a local key must be 32 bytes, got ${value.length}`);
    return Buffer.from(value);
  }
  const text = value.trim();
  if (isPaserk(text)) return Buffer.from(asConfigError(field, () => parsePaserk(text, { version, type: 'local' })).data);
  if (HEX_32.test(text)) return Buffer.from(text, 'hex');
  if (BASE64_32.test(text)) {
    const bytes = Buffer.from(text, 'base64');
    // All zeros is refused as a placeholder by the caller, with its own message.
    if (!bytes.every((byte) => byte === 0) && !looksRandomBase64(text)) {
      throw new PasetoConfigError(field, `the local key looks like a passphrase, not 32 random bytes in base64url: ${KEYGEN}`);
    }
    return bytes;
  }
  if (/^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0) {
    throw new PasetoConfigError(field, `a local key must be 32 bytes, got ${text.length / 2} (hex); ${expected}`);
  }
  if (/^[A-Za-z0-9+/_-]+=*$/.test(text)) {
    const length = Buffer.from(text, 'base64').length;
    throw new PasetoConfigError(field, `a local key must be 32 bytes, got ${length} (base64url); ${expected}`);
  }
  throw new PasetoConfigError(field, expected);
}

/**
 * A signing key: a `k{version}.secret.` PASERK, a PEM private key, or raw PASERK bytes
 * (v4: 64-byte seed || public key; v3: 48-byte scalar).
 */
export function parsePrivateKey(material: FieldValue, version: PasetoVersion): ImportedKeyPair {
  const pair = importPrivateKey(material, version);
  checkNotTrivial(version, pair, material.field);
  return pair;
}

function importPrivateKey({ value, field }: FieldValue, version: PasetoVersion): ImportedKeyPair {
  const pem = typeof value === 'string' ? (isPem(value) ? value.trim() : undefined) : bytesAsPem(value);
  if (pem !== undefined) return keyPairFromPrivateKey(version, importPrivatePem(pem, version, field));
  if (typeof value !== 'string') {
    return asConfigError(field, () => keyPairFromSecretBytes(version, parseRaw(value, version, 'secret')));
  }
  const text = value.trim();
  if (!isPaserk(text)) throw new PasetoConfigError(field, `expected a k${version}.secret PASERK or a PEM private key`);
  return asConfigError(field, () => keyPairFromSecretBytes(version, parsePaserk(text, { version, type: 'secret' }).data));
}

/** The order of the P-384 group. */
const P384_ORDER = 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n;
/** A random scalar falls this close to 0 or to the order with odds of 2^-255: such a key was chosen by hand. */
const TRIVIAL_SCALAR_DISTANCE = 2n ** 128n;

/**
 * Refuse a signing key anyone could guess: a P-384 scalar near 0 or the group order (1, 2,
 * n − 1, ...: the public key is then a small multiple of the generator, found by trying), and an
 * Ed25519 seed of 32 zero bytes (a placeholder). Checked on the imported key, whatever its form.
 */
function checkNotTrivial(version: PasetoVersion, pair: ImportedKeyPair, field: string): void {
  const secret = secretBytesOf(version, pair.privateKey);
  if (version === 3) {
    const scalar = BigInt(`0x${secret.toString('hex')}`);
    if (scalar < TRIVIAL_SCALAR_DISTANCE || P384_ORDER - scalar < TRIVIAL_SCALAR_DISTANCE) {
      throw new PasetoConfigError(field, `the P-384 secret scalar is trivially small or close to the group order (such as 1 or n - 1): anyone can find it from the public key; ${KEYGEN}`);
    }
  } else if (secret.subarray(0, 32).every((byte) => byte === 0)) {
    throw new PasetoConfigError(field, `an Ed25519 seed of 32 zero bytes is a placeholder, not a secret: ${KEYGEN}`);
  }
}

/**
 * A verification key: a `k{version}.public.` PASERK, a PEM public key, or raw PASERK bytes
 * (v4: 32 bytes; v3: 49-byte compressed point). Returns the key and its PASERK bytes.
 */
export function parsePublicKey({ value, field }: FieldValue, version: PasetoVersion): Pick<ImportedKeyPair, 'publicKey' | 'publicBytes'> {
  const pem = typeof value === 'string' ? (isPem(value) ? value.trim() : undefined) : bytesAsPem(value);
  if (pem !== undefined) {
    const publicKey = importPublicPem(pem, version, field);
    const publicBytes = publicBytesOf(version, publicKey);
    checkNotSmallOrder(version, publicBytes, field);
    return { publicKey, publicBytes };
  }
  let bytes: Uint8Array;
  if (typeof value === 'string') {
    const text = value.trim();
    if (!isPaserk(text)) throw new PasetoConfigError(field, `expected a k${version}.public PASERK or a PEM public key`);
    bytes = asConfigError(field, () => parsePaserk(text, { version, type: 'public' }).data);
  } else {
    bytes = asConfigError(field, () => parseRaw(value, version, 'public'));
  }
  checkNotSmallOrder(version, bytes, field);
  const publicKey = asConfigError(field, () => publicKeyFromBytes(version, bytes));
  // Re-derive the bytes so a v3 key always carries the canonical compressed point.
  const publicBytes = publicBytesOf(version, publicKey);
  checkNotSmallOrder(version, publicBytes, field);
  return { publicKey, publicBytes };
}

/**
 * Refuse an Ed25519 public key of small order (all zeros, the identity, ...): with it anyone can
 * forge signatures that verify. Checked on the raw bytes and again on the imported key's bytes,
 * so PASERK, raw and PEM forms are all covered. (P-384 has cofactor 1: every point node accepts
 * has the full prime order; the point at infinity is refused when the PEM is read.)
 */
function checkNotSmallOrder(version: PasetoVersion, bytes: Uint8Array, field: string): void {
  if (version === 4 && isSmallOrderEd25519(bytes)) {
    throw new PasetoConfigError(field, 'the Ed25519 public key is a point of small order (such as all zeros or the identity): anyone could forge signatures it accepts; use the public half of a generated key pair');
  }
}

/** Raw key bytes, checked against the PASERK length rules. */
function parseRaw(bytes: Uint8Array, version: PasetoVersion, type: 'secret' | 'public'): Uint8Array {
  checkKeyBytes(version, type, bytes);
  return bytes;
}
