/**
 * From the string a request carried to the claims inside it: length limit, base64 unwrapping,
 * the cryptography (protocol.ts) and JSON parsing. Claims are validated by validate.ts.
 */
import { ErrorMessages } from '../errors';
import type { KeyRing } from '../keys/key-ring';
import { TokenFailure } from './failure';
import { decodeFooter } from './footer';
import { decodeToken, type DecodedToken } from './protocol';
import type { VerifiedToken } from './types';
import type { ValidatedClaims } from './validate';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The PASETO string of what a caller presented: refused when longer than `maxLength` (before any
 * decoding: forged megabytes cost nothing), base64-decoded when `base64Encoded`.
 * @throws TokenFailure `token_missing` or `invalid_token`
 */
export function unwrapToken(token: unknown, maxLength: number, base64Encoded: boolean): string {
  if (typeof token !== 'string' || token === '') throw new TokenFailure('token_missing', ErrorMessages.tokenMissing);
  const limit = base64Encoded ? Math.ceil(maxLength / 3) * 4 : maxLength;
  if (token.length > limit) throw new TokenFailure('invalid_token', ErrorMessages.tooLong);
  if (!base64Encoded) return token;
  if (!BASE64.test(token)) throw new TokenFailure('invalid_token', ErrorMessages.invalidBase64);
  try {
    return utf8.decode(Buffer.from(token, 'base64'));
  } catch {
    throw new TokenFailure('invalid_token', ErrorMessages.invalidBase64);
  }
}

/** A token whose cryptography checked out, with its claims parsed (not validated). */
export interface OpenedToken {
  readonly decoded: DecodedToken;
  readonly claims: unknown;
}

/**
 * Opens `paseto` with the ring's keys and parses its claims.
 * @throws TokenFailure `invalid_token`, `invalid_version` or `invalid_purpose`
 */
export function openToken(ring: KeyRing, paseto: string, assertion: Uint8Array): OpenedToken {
  let decoded: DecodedToken;
  try {
    decoded = decodeToken(ring, paseto, assertion);
  } catch (error) {
    if (error instanceof TokenFailure) throw error;
    throw new TokenFailure('invalid_token', ErrorMessages.invalidFormat);
  }
  try {
    return { decoded, claims: JSON.parse(utf8.decode(decoded.payload)) as unknown };
  } catch {
    throw new TokenFailure('invalid_token', ErrorMessages.invalidFormat);
  }
}

/** The frozen {@link VerifiedToken} of an opened token whose claims passed validation. */
export function verifiedToken(paseto: string, opened: OpenedToken, valid: ValidatedClaims): VerifiedToken {
  const { decoded } = opened;
  return Object.freeze({
    token: paseto,
    claims: valid.claims,
    subject: valid.subject,
    jti: valid.jti,
    type: valid.type,
    fresh: valid.fresh,
    footer: decodeFooter(decoded.footer),
    purpose: decoded.purpose,
    version: decoded.version,
    kid: decoded.key.kid,
    expiresAt: valid.expiresAt === undefined ? null : new Date(valid.expiresAt),
    sessionId: valid.sessionId,
    issuedAtMs: valid.issuedAtMs,
  });
}
