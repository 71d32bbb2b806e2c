import { deepFreeze } from './claims';
import type { Footer, FooterInput } from './types';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const EMPTY = new Uint8Array(0);

/**
 * The footer bytes of a new token. With a key id, an object footer (or none) carries `kid`
 * so verification picks the key directly; a string or bytes footer is kept as given.
 */
export function encodeFooter(footer: FooterInput | undefined, kid: string | undefined): Uint8Array {
  if (footer instanceof Uint8Array) return footer;
  if (typeof footer === 'string') return encoder.encode(footer);
  if (footer !== undefined && (typeof footer !== 'object' || footer === null || Array.isArray(footer))) {
    throw new TypeError('footer must be an object, a string or a Uint8Array');
  }
  if (kid === undefined) return footer === undefined ? EMPTY : encoder.encode(JSON.stringify(footer));
  if (footer !== undefined && Object.hasOwn(footer, 'kid')) {
    throw new TypeError("footer cannot set 'kid' when keys are configured: the signing key's id is put there");
  }
  return encoder.encode(JSON.stringify({ ...footer, kid }));
}

/** A footer as read back: a JSON object when it is one, else its text; null when empty. */
export function decodeFooter(bytes: Uint8Array): Footer {
  if (bytes.byteLength === 0) return null;
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return Buffer.from(bytes).toString('base64url');
  }
  if (text.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return deepFreeze(parsed as Record<string, unknown>);
    } catch {
      // not JSON after all: the text itself is the footer
    }
  }
  return text;
}

/** Implicit assertion bytes from a string or bytes. */
export function assertionBytes(value: string | Uint8Array | undefined): Uint8Array {
  if (value === undefined) return EMPTY;
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return encoder.encode(value);
  throw new TypeError('implicitAssertion must be a string or a Uint8Array');
}
