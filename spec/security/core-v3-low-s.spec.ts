/**
 * ECDSA signatures are malleable: (r, s) and (r, n − s) both verify. v3.public accepts only the
 * low-S form, and our signer only makes it, so one signed message has one token (a second,
 * equally valid token string would slip past anything keyed on the token, such as a cache or an
 * allow list of seen tokens).
 */
import { expect } from 'chai';
import { generateKeys } from '../../src/keys/generate';
import { KeyRing } from '../../src/keys/key-ring';
import { PasetoAuthService } from '../../src/service';
import { decodeToken, encodeToken } from '../../src/tokens/protocol';

const N = 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n;
const HALF_N = N >> 1n;
const none = new Uint8Array(0);

const toBigInt = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
const toBytes = (value: bigint): Buffer => Buffer.from(value.toString(16).padStart(96, '0'), 'hex');

/** The s half of a v3.public token's signature. */
function sOf(token: string): bigint {
  const body = Buffer.from(token.split('.')[2], 'base64url');
  return toBigInt(body.subarray(body.length - 48));
}

/** The same token with s replaced by n − s: the other signature of the same message. */
function malleate(token: string): string {
  const [version, purpose, payload, ...footer] = token.split('.');
  const body = Buffer.from(payload, 'base64url');
  const flipped = Buffer.concat([body.subarray(0, body.length - 48), toBytes(N - toBigInt(body.subarray(body.length - 48)))]);
  return [version, purpose, flipped.toString('base64url'), ...footer].join('.');
}

describe('security: v3.public signatures are low-S only', () => {
  const keys = generateKeys({ version: 3, purpose: 'public' });
  const ring = KeyRing.fromOptions([{ version: 3, purpose: 'public', privateKey: keys.privateKey }], () => '');

  it('our signer only makes low-S signatures (200 tokens: a random signer makes high-S half the time)', () => {
    for (let i = 0; i < 200; i++) {
      expect(sOf(encodeToken(ring.signer, Buffer.from(`{"sub":"${i}"}`), none, none)) <= HALF_N).to.equal(true);
    }
  });

  it('the high-S twin of a valid token is refused ("Failed to verify."), the token itself verifies', async () => {
    const auth = new PasetoAuthService({ version: 3, purpose: 'public', privateKey: keys.privateKey });
    for (let i = 0; i < 10; i++) {
      const token = await auth.createAccessToken({ subject: 'alice' });
      const twin = malleate(token);
      expect(sOf(twin) > HALF_N).to.equal(true);
      expect((await auth.verifyToken(token)).subject).to.equal('alice');
      expect(() => decodeToken(ring, twin, none)).to.throw('Failed to verify.');
      const error = await auth.verifyToken(twin).catch((caught: unknown) => caught);
      expect(error).to.include({ code: 'invalid_token', message: 'Failed to verify.' });
    }
  });
});
