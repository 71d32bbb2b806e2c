import { expect } from 'chai';
import fc from 'fast-check';
import { AuthPasetoError, ErrorMessages } from '../../src/errors';
import { TokenFailure } from '../../src/tokens/failure';
import { generateKeys } from '../../src/keys/generate';
import { KeyRing } from '../../src/keys/key-ring';
import { PasetoAuthService } from '../../src/service';
import { decodeToken, encodeToken } from '../../src/tokens/protocol';

const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');
const ALPHABET = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', '.', '=', '+', '/', ' ', 'é'];
const ASSERTION = utf8('{"user_agent":"test"}');

/** Replace the character at `index` of `text`. */
const replaceAt = (text: string, index: number, char: string): string => text.slice(0, index) + char + text.slice(index + 1);

function throwsAuthError(ring: KeyRing, token: string, assertion: Uint8Array): boolean {
  try {
    decodeToken(ring, token, assertion);
    return false;
  } catch (error) {
    return error instanceof TokenFailure;
  }
}

for (const version of [3, 4] as const) {
  for (const purpose of ['local', 'public'] as const) {
    describe(`tampering with v${version}.${purpose} tokens`, () => {
      const generated = generateKeys({ version, purpose });
      const ring = KeyRing.fromOptions([{ version, purpose, secretKey: generated.secretKey, privateKey: generated.privateKey }], () => '');
      const withFooter = encodeToken(ring.signer, utf8('{"sub":"alice","roles":["admin"]}'), utf8(JSON.stringify({ kid: ring.signer.kid })), ASSERTION);
      const bare = encodeToken(ring.signer, utf8('{"sub":"bob"}'), new Uint8Array(0), ASSERTION);

      it('decodes the untouched tokens', () => {
        expect(Buffer.from(decodeToken(ring, withFooter, ASSERTION).payload).toString()).to.equal('{"sub":"alice","roles":["admin"]}');
        expect(Buffer.from(decodeToken(ring, bare, ASSERTION).payload).toString()).to.equal('{"sub":"bob"}');
      });

      it('refuses any single-character change (property)', () => {
        for (const token of [withFooter, bare]) {
          fc.assert(
            fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(...ALPHABET), (index, char) => {
              fc.pre(token[index] !== char);
              return throwsAuthError(ring, replaceAt(token, index, char), ASSERTION);
            }),
            { numRuns: 300 },
          );
        }
      });

      it('refuses every position changed to its neighbour character (exhaustive)', () => {
        for (const token of [withFooter, bare]) {
          for (let index = 0; index < token.length; index++) {
            const position = ALPHABET.indexOf(token[index]);
            const char = ALPHABET[(position + 1) % 64];
            expect(throwsAuthError(ring, replaceAt(token, index, char), ASSERTION), `position ${index}`).to.equal(true);
          }
        }
      });

      it('refuses a wrong or missing implicit assertion', () => {
        expect(throwsAuthError(ring, withFooter, utf8('{"user_agent":"other"}'))).to.equal(true);
        expect(throwsAuthError(ring, bare, new Uint8Array(0))).to.equal(true);
        const message = purpose === 'local' ? 'Failed to decrypt.' : 'Failed to verify.';
        expect(() => decodeToken(ring, bare, new Uint8Array(0))).to.throw(message);
      });

      it('refuses truncation and extension', () => {
        expect(throwsAuthError(ring, bare.slice(0, -1), ASSERTION)).to.equal(true);
        expect(throwsAuthError(ring, `${bare}A`, ASSERTION)).to.equal(true);
        expect(throwsAuthError(ring, withFooter.slice(0, withFooter.lastIndexOf('.')), ASSERTION)).to.equal(true);
      });
    });
  }
}

describe('oversize tokens', () => {
  const auth = new PasetoAuthService({ secretKey: generateKeys({ version: 4, purpose: 'local' }).secretKey, maxTokenLength: 1024 });
  const tooLong = (token: string, base64Encoded: boolean): boolean => {
    try {
      void auth.authenticateNow(token, { base64Encoded }); // synchronous here: no denylist
      return false;
    } catch (error) {
      return error instanceof AuthPasetoError && error.code === 'invalid_token' && error.message === ErrorMessages.tooLong;
    }
  };

  it('refuses any token over maxTokenLength on its length, whatever it holds (property)', () => {
    // Headers, dots, footers, base64 or not: the length decides before anything is read.
    const part = fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 64 });
    const oversize = fc
      .tuple(fc.constantFrom('v4.local.', 'v4.public.', 'v3.local.', 'v9.x.', ''), part, fc.integer({ min: 1025, max: 20_000 }), part)
      .map(([header, head, length, tail]) => (header + head + 'A'.repeat(length) + tail).slice(0, Math.max(1025, length)));
    fc.assert(
      fc.property(oversize, (token) => tooLong(token, false)),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(oversize.filter((token) => token.length > 1368), (token) => tooLong(token, true)),
      { numRuns: 100 },
    );
  });
});
