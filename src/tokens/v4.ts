/**
 * PASETO v4 (paseto-spec Version4.md): v4.local is XChaCha20 (noble) + keyed BLAKE2b
 * (sodium-native when installed, else noble: ./blake2b.ts),
 * v4.public is Ed25519 (node:crypto). Everything is synchronous.
 * Openers return the message, or `undefined` when authentication fails.
 */
import { randomBytes, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { xchacha20 } from '@noble/ciphers/chacha.js';
import { activeBlake2b, type Blake2bImplementation, type KeyedHash } from './blake2b';
import { assembleToken, pae } from './pae';

const LOCAL_HEADER = 'v4.local.';
const PUBLIC_HEADER = 'v4.public.';
const LOCAL_HEADER_BYTES = Buffer.from(LOCAL_HEADER);
const PUBLIC_HEADER_BYTES = Buffer.from(PUBLIC_HEADER);
const ENCRYPTION_INFO = Buffer.from('paseto-encryption-key');
const AUTH_INFO = Buffer.from('paseto-auth-key-for-aead');

/** Nonce and tag lengths of v4.local, and the Ed25519 signature length. */
export const V4_NONCE_BYTES = 32;
const TAG_BYTES = 32;
const SIGNATURE_BYTES = 64;
/** Shortest decoded body: nonce + tag (local), signature (public). */
export const V4_MIN_BODY = { local: V4_NONCE_BYTES + TAG_BYTES, public: SIGNATURE_BYTES } as const;

/** Each secret's keyed hash, prepared once (a secret lives as long as its imported key). */
const preparedSecrets = new WeakMap<Uint8Array, { implementation: Blake2bImplementation; hash: KeyedHash }>();

function secretHash(secret: Uint8Array): KeyedHash {
  const implementation = activeBlake2b();
  let prepared = preparedSecrets.get(secret);
  if (prepared === undefined || prepared.implementation !== implementation) {
    prepared = { implementation, hash: implementation.forKey(secret) };
    preparedSecrets.set(secret, prepared);
  }
  return prepared.hash;
}

/** Ek, n2 (XChaCha20 nonce) and Ak of a nonce, per spec step 4. */
function deriveKeys(secret: Uint8Array, nonce: Uint8Array): { ek: Uint8Array; n2: Uint8Array; ak: Uint8Array } {
  const hash = secretHash(secret);
  const tmp = hash([ENCRYPTION_INFO, nonce], 56);
  const ak = hash([AUTH_INFO, nonce], 32);
  return { ek: tmp.subarray(0, 32), n2: tmp.subarray(32), ak };
}

/** The authentication tag over the pre-authentication encoding, keyed with Ak. */
function localTag(ak: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, footer: Uint8Array, assertion: Uint8Array): Uint8Array {
  return activeBlake2b().hash(ak, [pae(LOCAL_HEADER_BYTES, nonce, ciphertext, footer, assertion)], TAG_BYTES);
}

/** Encrypt a v4.local token with the given 32-byte nonce (random in production, fixed in the test vectors). */
export function v4LocalEncrypt(secret: Uint8Array, message: Uint8Array, footer: Uint8Array, assertion: Uint8Array, nonce: Uint8Array = randomBytes(V4_NONCE_BYTES)): string {
  const { ek, n2, ak } = deriveKeys(secret, nonce);
  const ciphertext = xchacha20(ek, n2, message);
  const tag = localTag(ak, nonce, ciphertext, footer, assertion);
  return assembleToken(LOCAL_HEADER, Buffer.concat([nonce, ciphertext, tag]), footer);
}

/** Decrypt the decoded body of a v4.local token (length already checked). */
export function v4LocalDecrypt(secret: Uint8Array, body: Uint8Array, footer: Uint8Array, assertion: Uint8Array): Uint8Array | undefined {
  const nonce = body.subarray(0, V4_NONCE_BYTES);
  const ciphertext = body.subarray(V4_NONCE_BYTES, body.length - TAG_BYTES);
  const tag = body.subarray(body.length - TAG_BYTES);
  const { ek, n2, ak } = deriveKeys(secret, nonce);
  const expected = localTag(ak, nonce, ciphertext, footer, assertion);
  if (!timingSafeEqual(expected, tag)) return undefined;
  return xchacha20(ek, n2, ciphertext);
}

/** Sign a v4.public token (Ed25519 is deterministic). */
export function v4Sign(privateKey: KeyObject, message: Uint8Array, footer: Uint8Array, assertion: Uint8Array): string {
  const signature = sign(null, pae(PUBLIC_HEADER_BYTES, message, footer, assertion), privateKey);
  return assembleToken(PUBLIC_HEADER, Buffer.concat([message, signature]), footer);
}

/** Verify the decoded body of a v4.public token (length already checked); returns the message. */
export function v4Verify(publicKey: KeyObject, body: Uint8Array, footer: Uint8Array, assertion: Uint8Array): Uint8Array | undefined {
  const message = body.subarray(0, body.length - SIGNATURE_BYTES);
  const signature = body.subarray(body.length - SIGNATURE_BYTES);
  return verify(null, pae(PUBLIC_HEADER_BYTES, message, footer, assertion), publicKey, signature) ? message : undefined;
}
