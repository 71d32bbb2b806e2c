/** PASETO pre-authentication encoding and token assembly (paseto-spec Common.md). */
import { encodeBase64Url } from '../keys/encoding';

/**
 * PAE: LE64(count) || for each piece LE64(length) || piece, into one buffer allocated once.
 * LE64 clears the top bit, as the spec requires (lengths here are far below 2^53 anyway).
 */
export function pae(...pieces: readonly Uint8Array[]): Buffer {
  let total = 8;
  for (const piece of pieces) total += 8 + piece.length;
  const out = Buffer.allocUnsafe(total);
  let offset = writeLe64(out, 0, pieces.length);
  for (const piece of pieces) {
    offset = writeLe64(out, offset, piece.length);
    out.set(piece, offset);
    offset += piece.length;
  }
  return out;
}

function writeLe64(out: Buffer, offset: number, value: number): number {
  out.writeUInt32LE(value >>> 0, offset);
  out.writeUInt32LE(Math.floor(value / 0x1_0000_0000) & 0x7fffffff, offset + 4);
  return offset + 8;
}

/** `header || base64url(body)`, plus `.` || base64url(footer) when the footer is not empty. */
export function assembleToken(header: string, body: Uint8Array, footer: Uint8Array): string {
  const token = header + encodeBase64Url(body);
  return footer.length === 0 ? token : `${token}.${encodeBase64Url(footer)}`;
}
