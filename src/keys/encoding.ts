/**
 * Strict base64url (RFC 4648 §5, no padding) used by PASETO and PASERK.
 * Node's own decoder silently skips invalid characters and ignores non-zero trailing bits,
 * which would let a one-character change of a token decode to the same bytes: we refuse both.
 */

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Value of a base64url character (only called on characters that passed {@link BASE64URL}). */
function sextet(code: number): number {
  if (code >= 65 && code <= 90) return code - 65; // A-Z
  if (code >= 97 && code <= 122) return code - 71; // a-z
  if (code >= 48 && code <= 57) return code + 4; // 0-9
  return code === 45 ? 62 : 63; // '-' : '_'
}

/**
 * Decode canonical, unpadded base64url; `undefined` when the text is not exactly that
 * (bad character, padding, impossible length, or non-zero unused bits in the last character).
 * Returns a Buffer (a Uint8Array) without further copies.
 */
export function decodeBase64Url(text: string): Buffer | undefined {
  const rest = text.length & 3;
  if (rest === 1 || !BASE64URL.test(text)) return undefined;
  if (rest !== 0) {
    // 2 chars carry 1 byte (4 spare bits), 3 chars carry 2 bytes (2 spare bits).
    const spare = rest === 2 ? 0x0f : 0x03;
    if ((sextet(text.charCodeAt(text.length - 1)) & spare) !== 0) return undefined;
  }
  return Buffer.from(text, 'base64url');
}

/** Encode as unpadded base64url. */
export function encodeBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}
