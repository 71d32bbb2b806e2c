/**
 * Conversions between PASERK raw key bytes and node KeyObjects (through JWK, which node
 * imports synchronously): Ed25519 for version 4, ECDSA P-384 for version 3.
 * Failures throw {@link PaserkError} with messages free of key material.
 */
import { ECDH, createECDH, createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { PasetoVersion } from '../config/options';
import { decodeBase64Url, encodeBase64Url } from './encoding';
import { PaserkError } from './paserk';

/** A signing key pair with the PASERK bytes of its public half. */
export interface ImportedKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly publicBytes: Buffer;
}

const P384 = 'secp384r1';

function jwkBytes(jwk: JsonWebKey, name: 'x' | 'y' | 'd'): Buffer {
  const value = jwk[name];
  const bytes = typeof value === 'string' ? decodeBase64Url(value) : undefined;
  if (bytes === undefined) throw new PaserkError(`the key has no JWK "${name}" component`);
  return bytes;
}

/**
 * Encodings of the Ed25519 points of small order (order 1, 2, 4 or 8), compared with the sign bit
 * (bit 255) ignored: the 8 small-order points and the non-canonical encodings y = p and y = p + 1,
 * 14 encodings in all. With such a public key A, [k]A takes at most 8 values, so a signature
 * (R = a small-order point, S = 0) verifies for about one message in eight, without any secret;
 * node / OpenSSL do not refuse these keys.
 *
 * Source: libsodium `ge25519_has_small_order()`, src/libsodium/crypto_core/ed25519/ref10/ed25519_ref10.c
 * (jedisct1/libsodium, commit 0217d07326f0ffbe79d6ce09793843e135a67487), the blocklist that
 * `crypto_sign_verify_detached` applies to public keys: the same 7 entries, the last byte masked with 0x7f.
 */
const ED25519_SMALL_ORDER = [
  '0000000000000000000000000000000000000000000000000000000000000000', // y = 0 (order 4)
  '0100000000000000000000000000000000000000000000000000000000000000', // y = 1, the identity (order 1)
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', // order 8
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', // order 8
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // y = p - 1 (order 2)
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // y = p, non-canonical 0 (order 4)
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // y = p + 1, non-canonical 1 (order 1)
].map((hex) => Buffer.from(hex, 'hex'));

/** True when 32 bytes encode an Ed25519 point of small order (any sign bit, canonical or not). */
export function isSmallOrderEd25519(bytes: Uint8Array): boolean {
  if (bytes.length !== 32) return false;
  return ED25519_SMALL_ORDER.some((blocked) => {
    let diff = (bytes[31] & 0x7f) ^ blocked[31];
    for (let i = 0; i < 31; i++) diff |= bytes[i] ^ blocked[i];
    return diff === 0;
  });
}

/** The PASERK bytes of a public key: Ed25519 raw (v4) or the compressed P-384 point (v3). */
export function publicBytesOf(version: PasetoVersion, publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  const x = jwkBytes(jwk, 'x');
  if (version === 4) return x;
  const y = jwkBytes(jwk, 'y');
  // SEC 1 point compression: 0x02 | lsb(y), then X big-endian.
  return Buffer.concat([Buffer.of(0x02 | (y[y.length - 1] & 1)), x]);
}

/** The PASERK bytes of a private key: seed || public (v4, 64 bytes) or the scalar (v3, 48 bytes). */
export function secretBytesOf(version: PasetoVersion, privateKey: KeyObject): Buffer {
  const jwk = privateKey.export({ format: 'jwk' });
  const d = jwkBytes(jwk, 'd');
  return version === 4 ? Buffer.concat([d, jwkBytes(jwk, 'x')]) : d;
}

/** Import PASERK public bytes (length already checked). Throws when they are not a valid point. */
export function publicKeyFromBytes(version: PasetoVersion, bytes: Uint8Array): KeyObject {
  try {
    if (version === 4) {
      return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: encodeBase64Url(bytes) }, format: 'jwk' });
    }
    const point = ECDH.convertKey(Buffer.from(bytes), P384, undefined, undefined, 'uncompressed') as Buffer;
    return createPublicKey({ key: { kty: 'EC', crv: 'P-384', x: encodeBase64Url(point.subarray(1, 49)), y: encodeBase64Url(point.subarray(49)) }, format: 'jwk' });
  } catch {
    throw new PaserkError(version === 4 ? 'not a valid Ed25519 public key' : 'not a valid P-384 public key');
  }
}

/** A P-384 private key from its 48-byte scalar (node derives nothing from JWK `d` alone, so ECDH gives the point). */
function p384PrivateKey(scalar: Uint8Array): KeyObject {
  const ecdh = createECDH(P384);
  ecdh.setPrivateKey(scalar);
  const point = ecdh.getPublicKey();
  return createPrivateKey({
    key: { kty: 'EC', crv: 'P-384', d: encodeBase64Url(scalar), x: encodeBase64Url(point.subarray(1, 49)), y: encodeBase64Url(point.subarray(49)) },
    format: 'jwk',
  });
}

/**
 * Import PASERK secret bytes (length already checked): for v4 the stored public half must match
 * the seed, for v3 the scalar must be a valid P-384 private key.
 */
export function keyPairFromSecretBytes(version: PasetoVersion, bytes: Uint8Array): ImportedKeyPair {
  let privateKey: KeyObject;
  try {
    privateKey =
      version === 4
        ? createPrivateKey({
            key: { kty: 'OKP', crv: 'Ed25519', d: encodeBase64Url(bytes.subarray(0, 32)), x: encodeBase64Url(bytes.subarray(32)) },
            format: 'jwk',
          })
        : p384PrivateKey(bytes);
  } catch {
    throw new PaserkError(version === 4 ? 'not a valid Ed25519 secret key' : 'not a valid P-384 secret key');
  }
  const pair = keyPairFromPrivateKey(version, privateKey);
  // A k4.secret carries its public half; one that does not match the seed is corrupt.
  if (version === 4 && !pair.publicBytes.equals(bytes.subarray(32))) {
    throw new PaserkError('the public half of the k4.secret key does not match its seed');
  }
  return pair;
}

/** Derive the public half of a private KeyObject. */
export function keyPairFromPrivateKey(version: PasetoVersion, privateKey: KeyObject): ImportedKeyPair {
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicBytes: publicBytesOf(version, publicKey) };
}
