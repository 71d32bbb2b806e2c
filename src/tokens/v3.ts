/**
 * PASETO v3 (paseto-spec Version3.md), all node:crypto and synchronous:
 * v3.local is HKDF-SHA384 + AES-256-CTR + HMAC-SHA384, v3.public is ECDSA P-384 / SHA-384
 * with `r || s` signatures and the compressed public key first in the PAE.
 * Openers return the message, or `undefined` when authentication fails.
 */
import { createCipheriv, createHmac, hkdfSync, randomBytes, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { assembleToken, pae } from './pae';

const LOCAL_HEADER = 'v3.local.';
const PUBLIC_HEADER = 'v3.public.';
const LOCAL_HEADER_BYTES = Buffer.from(LOCAL_HEADER);
const PUBLIC_HEADER_BYTES = Buffer.from(PUBLIC_HEADER);
const ENCRYPTION_INFO = Buffer.from('paseto-encryption-key');
const AUTH_INFO = Buffer.from('paseto-auth-key-for-aead');
const NO_SALT = Buffer.alloc(0);

/** Nonce length of v3.local. */
export const V3_NONCE_BYTES = 32;
const TAG_BYTES = 48;
const SIGNATURE_BYTES = 96;
/** Shortest decoded body: nonce + tag (local), signature (public). */
export const V3_MIN_BODY = { local: V3_NONCE_BYTES + TAG_BYTES, public: SIGNATURE_BYTES } as const;

/** Ek, n2 (AES-CTR counter block) and Ak of a nonce: HKDF-SHA384, 48 bytes each, nonce appended to the info. */
function deriveKeys(secret: Uint8Array, nonce: Uint8Array): { ek: Buffer; n2: Buffer; ak: Buffer } {
  const tmp = Buffer.from(hkdfSync('sha384', secret, NO_SALT, Buffer.concat([ENCRYPTION_INFO, nonce]), 48));
  const ak = Buffer.from(hkdfSync('sha384', secret, NO_SALT, Buffer.concat([AUTH_INFO, nonce]), 48));
  return { ek: tmp.subarray(0, 32), n2: tmp.subarray(32), ak };
}

function aesCtr(ek: Buffer, n2: Buffer, input: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-256-ctr', ek, n2);
  return Buffer.concat([cipher.update(input), cipher.final()]);
}

/** Encrypt a v3.local token with the given 32-byte nonce (random in production, fixed in the test vectors). */
export function v3LocalEncrypt(secret: Uint8Array, message: Uint8Array, footer: Uint8Array, assertion: Uint8Array, nonce: Uint8Array = randomBytes(V3_NONCE_BYTES)): string {
  const { ek, n2, ak } = deriveKeys(secret, nonce);
  const ciphertext = aesCtr(ek, n2, message);
  const tag = createHmac('sha384', ak).update(pae(LOCAL_HEADER_BYTES, nonce, ciphertext, footer, assertion)).digest();
  return assembleToken(LOCAL_HEADER, Buffer.concat([nonce, ciphertext, tag]), footer);
}

/** Decrypt the decoded body of a v3.local token (length already checked). */
export function v3LocalDecrypt(secret: Uint8Array, body: Uint8Array, footer: Uint8Array, assertion: Uint8Array): Uint8Array | undefined {
  const nonce = body.subarray(0, V3_NONCE_BYTES);
  const ciphertext = body.subarray(V3_NONCE_BYTES, body.length - TAG_BYTES);
  const tag = body.subarray(body.length - TAG_BYTES);
  const { ek, n2, ak } = deriveKeys(secret, nonce);
  const expected = createHmac('sha384', ak).update(pae(LOCAL_HEADER_BYTES, nonce, ciphertext, footer, assertion)).digest();
  if (!timingSafeEqual(expected, tag)) return undefined;
  return aesCtr(ek, n2, ciphertext);
}

/** The order n of the P-384 group. */
const P384_ORDER = 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n;
const HALF_ORDER = P384_ORDER >> 1n;
const SCALAR_BYTES = SIGNATURE_BYTES / 2;

function sOf(signature: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(signature.buffer, signature.byteOffset + SCALAR_BYTES, SCALAR_BYTES).toString('hex')}`);
}

/**
 * ECDSA is malleable: (r, s) and (r, n - s) both verify, so a token would have an equally valid
 * twin. Only the low-S form (s <= n/2) is made and accepted, as paseto@4 signs and the official
 * vectors are; a verifier of this library refuses the high-S twin.
 */
function toLowS(signature: Buffer): Buffer {
  const s = sOf(signature);
  if (s <= HALF_ORDER) return signature;
  const low = Buffer.from((P384_ORDER - s).toString(16).padStart(SCALAR_BYTES * 2, '0'), 'hex');
  return Buffer.concat([signature.subarray(0, SCALAR_BYTES), low]);
}

/** Sign a v3.public token; `publicBytes` is the signer's 49-byte compressed public key. The signature is low-S. */
export function v3Sign(privateKey: KeyObject, publicBytes: Uint8Array, message: Uint8Array, footer: Uint8Array, assertion: Uint8Array): string {
  const signature = sign('sha384', pae(publicBytes, PUBLIC_HEADER_BYTES, message, footer, assertion), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return assembleToken(PUBLIC_HEADER, Buffer.concat([message, toLowS(signature)]), footer);
}

/** Verify the decoded body of a v3.public token (length already checked); returns the message. A high-S signature fails. */
export function v3Verify(publicKey: KeyObject, publicBytes: Uint8Array, body: Uint8Array, footer: Uint8Array, assertion: Uint8Array): Uint8Array | undefined {
  const message = body.subarray(0, body.length - SIGNATURE_BYTES);
  const signature = body.subarray(body.length - SIGNATURE_BYTES);
  if (sOf(signature) > HALF_ORDER) return undefined;
  const m2 = pae(publicBytes, PUBLIC_HEADER_BYTES, message, footer, assertion);
  return verify('sha384', m2, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature) ? message : undefined;
}
