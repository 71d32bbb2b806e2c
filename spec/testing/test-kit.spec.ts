import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createTestAuth, TestClock } from '../../src/testing';
import { PasetoConfigError } from '../../src/errors';
import { generateKeys } from '../../src/keys/generate';

describe('createTestAuth (paseto-controllers/testing)', () => {
  it('mints access tokens with roles, freshness and claims that its service verifies', async () => {
    const { auth, accessToken } = createTestAuth();
    const verified = await auth.verifyToken(await accessToken('alice', { roles: ['admin'], fresh: true, userClaims: { plan: 'pro' } }), { fresh: true });
    expect(verified).to.include({ subject: 'alice', type: 'access', fresh: true });
    expect(verified.claims).to.include({ plan: 'pro' });
    expect(auth.rolesOf(verified)).to.deep.equal(['admin']);
    expect((await auth.verifyToken(await accessToken(7))).fresh).to.equal(false);
  });

  it('mints refresh tokens, and expired tokens refused as token_expired (leeway included)', async () => {
    const { auth, refreshToken, expiredToken } = createTestAuth({ decodeLeeway: 30 });
    expect((await auth.verifyToken(await refreshToken('alice'), { refreshToken: true })).type).to.equal('refresh');
    await auth.verifyToken(await expiredToken('alice')).then(
      () => expect.fail('an expired token verified'),
      (error: unknown) => expect(error).to.include({ code: 'token_expired' }),
    );
  });

  it('runs its service on its TestClock: advancing it expires tokens', async () => {
    const { auth, clock, accessToken } = createTestAuth({ accessTokenExpires: 60 });
    expect(auth.clock).to.equal(clock);
    const token = await accessToken('alice');
    // The clock starts on a whole second, as token times are: exp falls on an exact boundary.
    clock.advance(60_000);
    await auth.verifyToken(token);
    clock.advance(1);
    await auth.verifyToken(token).then(
      () => expect.fail('verified after exp'),
      (error: unknown) => expect(error).to.include({ code: 'token_expired' }),
    );
  });

  it('takes a TestClock of the caller', () => {
    const clock = new TestClock(new Date('2030-01-01T00:00:00Z'));
    expect(createTestAuth({ clock }).auth.clock).to.equal(clock);
  });

  it('generates a fresh key per call (of the configured version and purpose) unless keys are given', async () => {
    const one = createTestAuth();
    const other = createTestAuth();
    await other.auth.verifyToken(await one.accessToken('alice')).then(
      () => expect.fail("another kit's token verified"),
      (error: unknown) => expect(error).to.include({ code: 'invalid_token' }),
    );
    const signed = createTestAuth({ version: 3, purpose: 'public' });
    expect((await signed.auth.verifyToken(await signed.accessToken('alice'))).version).to.equal(3);
    expect((await signed.auth.verifyToken(await signed.accessToken('alice'))).purpose).to.equal('public');
    const { secretKey } = generateKeys({ version: 4, purpose: 'local' });
    const shared = [createTestAuth({ secretKey }), createTestAuth({ secretKey })];
    expect((await shared[1].auth.verifyToken(await shared[0].accessToken('alice'))).subject).to.equal('alice');
  });

  it('authHeader follows headerName and headerType', () => {
    expect(createTestAuth().authHeader('t')).to.deep.equal({ Authorization: 'Bearer t' });
    expect(createTestAuth({ headerName: 'X-Token', headerType: null }).authHeader('t')).to.deep.equal({ 'X-Token': 't' });
  });

  it('validates options as the service does', () => {
    expect(() => createTestAuth({ accessTokenExpires: -1 })).to.throw(PasetoConfigError).with.property('field', 'accessTokenExpires');
    expect(() => createTestAuth({ secretKy: 'x' } as never)).to.throw(PasetoConfigError).with.property('field', 'secretKy');
    expect(() => createTestAuth({ clock: { now: () => 0 } } as never)).to.throw(PasetoConfigError).with.property('field', 'clock');
    expect(() => createTestAuth(null as never)).to.throw(PasetoConfigError).with.property('field', 'options');
  });

  it('is never loaded by the main entry', () => {
    // A fresh process: this one has loaded src/testing already. The second list shows the check sees it.
    const loaded = "Object.keys(require.cache).filter((file) => file.includes('/src/testing/')).length";
    const script = `require('./src'); const main = ${loaded}; require('./src/testing'); process.stdout.write(JSON.stringify([main, ${loaded}]))`;
    const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: join(__dirname, '..', '..'), encoding: 'utf8' });
    const [main, kit] = JSON.parse(out) as [number, number];
    expect(main).to.equal(0);
    expect(kit).to.be.greaterThan(0);
  });
});
