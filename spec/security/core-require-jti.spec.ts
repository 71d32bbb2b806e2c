/**
 * `requireJti`: a token without a `jti` cannot be revoked on its own, so a service that revokes
 * tokens (`denylistEnabled`) refuses such tokens by default.
 */
import { expect } from 'chai';
import { AuthPasetoError, ErrorMessages, PasetoConfigError } from '../../src/errors';
import { KeyRing } from '../../src/keys/key-ring';
import { PasetoAuthService } from '../../src/service';
import { encodeToken } from '../../src/tokens/protocol';
import type { PasetoAuthOptions } from '../../src/config/options';
import { LOCAL_KEY } from '../helpers/keys';

const ring = KeyRing.fromOptions([{ version: 4, purpose: 'local', secretKey: LOCAL_KEY }], () => '');
const EMPTY = new Uint8Array(0);

/** A valid access token made with the service's key by another issuer, with these claims. */
function tokenWith(claims: Record<string, unknown>): string {
  const exp = new Date(Date.now() + 60_000).toISOString();
  return encodeToken(ring.signer, Buffer.from(JSON.stringify({ sub: 'alice', type: 'access', exp, ...claims })), EMPTY, EMPTY);
}

async function outcome(options: PasetoAuthOptions, token: string): Promise<string> {
  const auth = new PasetoAuthService({ secretKey: LOCAL_KEY, ...options });
  return auth.verifyToken(token).then(
    (verified) => `ok ${verified.jti}`,
    (error: unknown) => {
      expect(error).to.be.instanceOf(AuthPasetoError);
      return `${(error as AuthPasetoError).code}: ${(error as AuthPasetoError).message}`;
    },
  );
}

const MISSING = `invalid_token: ${ErrorMessages.jtiMissing}`;

describe('security: requireJti', () => {
  it('defaults to denylistEnabled', () => {
    expect(new PasetoAuthService({ secretKey: LOCAL_KEY }).config.requireJti).to.equal(false);
    expect(new PasetoAuthService({ secretKey: LOCAL_KEY, denylistEnabled: true }).config.requireJti).to.equal(true);
    expect(new PasetoAuthService({ secretKey: LOCAL_KEY, denylistEnabled: true, requireJti: false }).config.requireJti).to.equal(false);
    expect(new PasetoAuthService({ secretKey: LOCAL_KEY, requireJti: true }).config.requireJti).to.equal(true);
  });

  it('with the denylist on, a token without a usable jti is refused: absent, empty, not a string', async () => {
    for (const claims of [{}, { jti: '' }, { jti: 42 }, { jti: null }, { jti: ['a'] }]) {
      expect(await outcome({ denylistEnabled: true }, tokenWith(claims)), JSON.stringify(claims)).to.equal(MISSING);
    }
    expect(await outcome({ denylistEnabled: true }, tokenWith({ jti: 'j-1' }))).to.equal('ok j-1');
  });

  it('is an invalid token, so an optional route treats it as anonymous', async () => {
    const auth = new PasetoAuthService({ secretKey: LOCAL_KEY, denylistEnabled: true });
    expect(await auth.authenticate(tokenWith({}), { optional: true })).to.equal(null);
  });

  it('requireJti: false accepts such tokens with the denylist on; without the denylist they are accepted unless requireJti', async () => {
    expect(await outcome({ denylistEnabled: true, requireJti: false }, tokenWith({}))).to.equal('ok null');
    expect(await outcome({}, tokenWith({}))).to.equal('ok null');
    expect(await outcome({ requireJti: true }, tokenWith({}))).to.equal(MISSING);
  });

  it('our own tokens always carry a jti', async () => {
    const auth = new PasetoAuthService({ secretKey: LOCAL_KEY, denylistEnabled: true });
    expect((await auth.verifyToken(await auth.createAccessToken({ subject: 'alice' }))).jti).to.match(/^[0-9a-f-]{36}$/);
  });

  it('is validated', () => {
    expect(() => new PasetoAuthService({ secretKey: LOCAL_KEY, requireJti: 'yes' as unknown as boolean }))
      .to.throw(PasetoConfigError, 'requireJti: expected true or false');
  });
});
