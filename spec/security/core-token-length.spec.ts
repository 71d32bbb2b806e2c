/**
 * `maxTokenLength` bounds what verification will look at, before any decoding (base64, footer,
 * JSON); and the unauthenticated footer is parsed for a `kid` only while it is small.
 */
import { expect } from 'chai';
import { AuthPasetoError, ErrorMessages, PasetoConfigError } from '../../src/errors';
import { generateKeys } from '../../src/keys/generate';
import { KeyRing } from '../../src/keys/key-ring';
import { PasetoAuthService } from '../../src/service';
import { decodeToken, encodeToken, MAX_KID_FOOTER_BYTES } from '../../src/tokens/protocol';
import type { PasetoAuthOptions } from '../../src/config/options';
import { LOCAL_KEY } from '../helpers/keys';

const TOO_LONG = `invalid_token: ${ErrorMessages.tooLong}`;

function service(options: PasetoAuthOptions = {}): PasetoAuthService {
  return new PasetoAuthService({ secretKey: LOCAL_KEY, ...options });
}

async function outcome(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'ok',
    (error: unknown) => {
      expect(error).to.be.instanceOf(AuthPasetoError);
      return `${(error as AuthPasetoError).code}: ${(error as AuthPasetoError).message}`;
    },
  );
}

/**
 * Counts JSON.parse calls on footer texts (holding `"pad"`) longer than `minLength` while `run`
 * runs (source-map support parses its own JSON when an error is built).
 */
function largeParses(minLength: number, run: () => unknown): number {
  const realParse = JSON.parse;
  let count = 0;
  JSON.parse = ((text: string, reviver?: (this: unknown, key: string, value: unknown) => unknown) => {
    if (typeof text === 'string' && text.length > minLength && text.includes('"pad"')) count++;
    return realParse(text, reviver);
  }) as typeof JSON.parse;
  try {
    run();
  } catch {
    // only the parsing is counted
  } finally {
    JSON.parse = realParse;
  }
  return count;
}

describe('security: maxTokenLength', () => {
  it('defaults to 8192 characters and is validated', () => {
    expect(service().config.maxTokenLength).to.equal(8192);
    for (const bad of [0, 255, 1.5, Number.POSITIVE_INFINITY, '9000']) {
      expect(() => service({ maxTokenLength: bad as number }), String(bad)).to.throw(PasetoConfigError, 'maxTokenLength: expected a whole number of characters >= 256');
    }
    expect(service({ maxTokenLength: 256 }).config.maxTokenLength).to.equal(256);
  });

  it('refuses a valid token one character over the limit, accepts it at the limit', async () => {
    const issuer = service({ maxTokenLength: 100_000 });
    const token = await issuer.createAccessToken({ subject: 'alice', userClaims: { pad: 'x'.repeat(9000) } });
    expect(await outcome(issuer.verifyToken(token))).to.equal('ok');
    expect(await outcome(service().verifyToken(token))).to.equal(TOO_LONG);
    expect(await outcome(service({ maxTokenLength: token.length }).verifyToken(token))).to.equal('ok');
    expect(await outcome(service({ maxTokenLength: token.length - 1 }).verifyToken(token))).to.equal(TOO_LONG);
  });

  it('is checked before anything is decoded: malformed, bad base64 and huge-footer tokens all fail on length', async () => {
    const auth = service();
    const megabyte = 'v4.local.' + 'A'.repeat(900_000);
    expect(await outcome(auth.verifyToken(megabyte))).to.equal(TOO_LONG);
    expect(await outcome(auth.verifyToken('!'.repeat(8193)))).to.equal(TOO_LONG);
    expect(await outcome(auth.verifyToken('%'.repeat(20_000), { base64Encoded: true }))).to.equal(TOO_LONG);
    const footer = Buffer.from(JSON.stringify({ kid: 'x', pad: 'y'.repeat(900_000) })).toString('base64url');
    const forged = `v4.local.${'A'.repeat(100)}.${footer}`;
    expect(largeParses(1024, () => auth.verifyToken(forged).catch(() => undefined))).to.equal(0);
    expect(await outcome(auth.verifyToken(forged))).to.equal(TOO_LONG);
  });

  it('leaves a base64-encoded token room for its 4/3 growth', async () => {
    const auth = service({ maxTokenLength: 2000 });
    const token = await auth.createAccessToken({ subject: 'alice', userClaims: { pad: 'x'.repeat(1000) }, base64Encode: true });
    expect(token.length).to.be.above(2000);
    expect(await outcome(auth.verifyToken(token, { base64Encoded: true }))).to.equal('ok');
    expect(await outcome(auth.verifyToken('A'.repeat(Math.ceil(2000 / 3) * 4 + 1), { base64Encoded: true }))).to.equal(TOO_LONG);
  });

  it('covers every path to verification: authenticate (an optional caller is anonymous), revokeToken', async () => {
    const auth = service({ denylistEnabled: true });
    const huge = 'v4.local.' + 'A'.repeat(10_000);
    expect(await outcome(auth.authenticate(huge))).to.equal(TOO_LONG);
    expect(await auth.authenticate(huge, { optional: true })).to.equal(null);
    expect(await outcome(auth.revokeToken(huge))).to.equal(TOO_LONG);
  });
});

describe('security: the unauthenticated footer is parsed for a kid only while small', () => {
  const first = generateKeys({ version: 4, purpose: 'local' });
  const second = generateKeys({ version: 4, purpose: 'local' });
  const ring = KeyRing.fromOptions(
    [
      { version: 4, purpose: 'local', secretKey: first.secretKey },
      { version: 4, purpose: 'local', secretKey: second.secretKey },
    ],
    (i) => `keys[${i}].`,
  );
  const payload = Buffer.from('{"sub":"alice"}');
  const none = new Uint8Array(0);
  const footerOf = (padding: number) => Buffer.from(JSON.stringify({ kid: ring.keys[1].kid, pad: 'p'.repeat(padding) }));

  it(`a footer over ${MAX_KID_FOOTER_BYTES} bytes is not JSON-parsed before the cryptography; its token is tried against each key`, () => {
    const big = footerOf(2 * MAX_KID_FOOTER_BYTES);
    const token = encodeToken(ring.keys[1], payload, big, none);
    expect(largeParses(MAX_KID_FOOTER_BYTES, () => decodeToken(ring, token.slice(0, 20) + 'AAAA' + token.slice(24), none))).to.equal(0);
    expect(decodeToken(ring, token, none).key.kid).to.equal(ring.keys[1].kid);
  });

  it('a small footer still names its key directly', () => {
    const small = footerOf(10);
    expect(small.length).to.be.at.most(MAX_KID_FOOTER_BYTES);
    const token = encodeToken(ring.keys[1], payload, small, none);
    expect(largeParses(0, () => decodeToken(ring, token, none))).to.equal(1);
    expect(decodeToken(ring, token, none).key.kid).to.equal(ring.keys[1].kid);
  });
});
