/**
 * PASETO v3/v4 local/public framing over our own synchronous crypto (v3.ts, v4.ts).
 * This is the hot path of every request: no key import, no async, no payload parsing.
 */
import { randomBytes } from 'node:crypto';
import type { PasetoPurpose, PasetoVersion } from '../config/options';
import { ErrorMessages } from '../errors';
import { TokenFailure } from './failure';
import { decodeBase64Url } from '../keys/encoding';
import { ImportedKey } from '../keys/imported-key';
import type { KeyRing, PasetoKey } from '../keys/key-ring';
import { V3_MIN_BODY, V3_NONCE_BYTES, v3LocalDecrypt, v3LocalEncrypt, v3Sign, v3Verify } from './v3';
import { V4_MIN_BODY, V4_NONCE_BYTES, v4LocalDecrypt, v4LocalEncrypt, v4Sign, v4Verify } from './v4';

/** A token whose cryptography checked out; its claims are not parsed or validated yet. */
export interface DecodedToken {
  version: PasetoVersion;
  purpose: PasetoPurpose;
  /** The authenticated / decrypted message (claims JSON bytes), not parsed or validated. */
  payload: Uint8Array;
  /** Raw footer bytes (empty when none). */
  footer: Uint8Array;
  /** The key that opened it. */
  key: PasetoKey;
}

const EMPTY = new Uint8Array(0);

/**
 * Produce a token: encrypt (local) or sign (public) `payload` with `key`, binding `footer`
 * (stored in clear, authenticated) and `implicitAssertion` (authenticated, not stored).
 * @throws Error when the key cannot sign (a verify-only public key).
 */
export function encodeToken(key: PasetoKey, payload: Uint8Array, footer: Uint8Array, implicitAssertion: Uint8Array): string {
  return encodeTokenWithNonce(key, payload, footer, implicitAssertion, undefined);
}

/**
 * {@link encodeToken} with a caller-chosen nonce for local keys, so the official test vectors
 * can be reproduced byte for byte.
 * @internal Never pass a nonce in production: a repeated nonce breaks local-token secrecy.
 */
export function encodeTokenWithNonce(key: PasetoKey, payload: Uint8Array, footer: Uint8Array, implicitAssertion: Uint8Array, nonce: Uint8Array | undefined): string {
  const material = ImportedKey.materialOf(key);
  if (material.purpose === 'local') {
    const n = nonce ?? randomBytes(key.version === 4 ? V4_NONCE_BYTES : V3_NONCE_BYTES);
    return key.version === 4
      ? v4LocalEncrypt(material.secret, payload, footer, implicitAssertion, n)
      : v3LocalEncrypt(material.secret, payload, footer, implicitAssertion, n);
  }
  if (material.privateKey === undefined) throw new Error(`The key ${key.kid} cannot sign: it has a public key only`);
  return key.version === 4
    ? v4Sign(material.privateKey, payload, footer, implicitAssertion)
    : v3Sign(material.privateKey, material.publicBytes, payload, footer, implicitAssertion);
}

function invalidFormat(): TokenFailure {
  return new TokenFailure('invalid_token', ErrorMessages.invalidFormat);
}

/** The message of `body` opened with `key`, or `undefined` when it does not authenticate. */
function open(key: PasetoKey, body: Uint8Array, footer: Uint8Array, assertion: Uint8Array): Uint8Array | undefined {
  const material = ImportedKey.materialOf(key);
  if (material.purpose === 'local') {
    return key.version === 4 ? v4LocalDecrypt(material.secret, body, footer, assertion) : v3LocalDecrypt(material.secret, body, footer, assertion);
  }
  return key.version === 4
    ? v4Verify(material.publicKey, body, footer, assertion)
    : v3Verify(material.publicKey, material.publicBytes, body, footer, assertion);
}

/** A PASERK id (`k4.lid.…`, `k3.pid.…`, ...): the only kind of `kid` that selects a key. */
const PASERK_ID = /^k[0-9]+\.(?:lid|pid|sid)\./;

/**
 * Largest footer parsed for a `kid`. Ours is `{"kid":"k4.lid.…"}` (~60 bytes); the footer is not
 * authenticated yet, so a bigger one is not parsed before the cryptography (it is tried against
 * every key, whose cost the token length bounds).
 */
export const MAX_KID_FOOTER_BYTES = 1024;

/**
 * The PASERK-id `kid` of a footer that is a JSON object, else `undefined`. A `kid` of another
 * form (other issuers' own names, as in the official vectors) selects nothing: every key is tried.
 * The footer is not authenticated yet: it only picks a key, and nothing it holds can make this throw.
 */
function footerKid(footer: Uint8Array): string | undefined {
  if (footer.length === 0 || footer.length > MAX_KID_FOOTER_BYTES || footer[0] !== 0x7b /* { */) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(footer.buffer, footer.byteOffset, footer.byteLength).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const kid = (parsed as { kid?: unknown }).kid;
  return typeof kid === 'string' && PASERK_ID.test(kid) ? kid : undefined;
}

/**
 * Check a token's structure, version, purpose and cryptography against the ring.
 * The key is the ring key named by the footer's `kid` when that is a PASERK id (an unknown one
 * fails as a wrong key would), else each ring key of that version and purpose in turn.
 * @throws TokenFailure `invalid_token` ("Invalid PASETO format", "Failed to decrypt.",
 *   "Failed to verify."), `invalid_version` or `invalid_purpose`.
 */
export function decodeToken(ring: KeyRing, token: string, implicitAssertion: Uint8Array): DecodedToken {
  if (typeof token !== 'string') throw invalidFormat();
  const dot1 = token.indexOf('.');
  const dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
  if (dot2 < 0) throw invalidFormat();
  const dot3 = token.indexOf('.', dot2 + 1);
  if (dot3 >= 0 && token.indexOf('.', dot3 + 1) >= 0) throw invalidFormat();

  const versionText = token.slice(0, dot1);
  const version = versionText === 'v4' ? 4 : versionText === 'v3' ? 3 : undefined;
  // Only a version-shaped header is echoed in the message: nothing else of the token is.
  if (!/^v[0-9]{1,4}$/.test(versionText)) throw invalidFormat();
  if (version === undefined || !ring.acceptsVersion(version)) {
    throw new TokenFailure('invalid_version', `Invalid PASETO version ${versionText}`);
  }

  const purposeText = token.slice(dot1 + 1, dot2);
  const purpose = purposeText === 'local' ? 'local' : purposeText === 'public' ? 'public' : undefined;
  if (!/^[a-z]{1,16}$/.test(purposeText)) throw invalidFormat();
  if (purpose === undefined || !ring.accepts(version, purpose)) {
    throw new TokenFailure('invalid_purpose', `Invalid PASETO purpose ${purposeText}`);
  }

  const body = decodeBase64Url(dot3 < 0 ? token.slice(dot2 + 1) : token.slice(dot2 + 1, dot3));
  // An empty footer is written without its dot, so a present footer part must not be empty.
  const footer = dot3 < 0 ? EMPTY : token.length > dot3 + 1 ? decodeBase64Url(token.slice(dot3 + 1)) : undefined;
  const minBody = (version === 4 ? V4_MIN_BODY : V3_MIN_BODY)[purpose];
  if (body === undefined || footer === undefined || body.length < minBody) throw invalidFormat();

  const kid = footerKid(footer);
  const named = kid === undefined ? undefined : ring.find(version, purpose, kid);
  const candidates = kid === undefined ? ring.candidates(version, purpose) : named === undefined ? [] : [named];
  for (const key of candidates) {
    const payload = open(key, body, footer, implicitAssertion);
    if (payload !== undefined) return { version, purpose, payload, footer, key };
  }
  throw new TokenFailure('invalid_token', purpose === 'local' ? ErrorMessages.decryptFailed : ErrorMessages.verifyFailed);
}
