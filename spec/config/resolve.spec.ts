import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PasetoAuthService } from '../../src/service';
import { PasetoConfigError } from '../../src/errors';
import { DEFAULTS } from '../../src/config/resolve';
import { generateKeys } from '../../src/keys/generate';
import type { PasetoAuthOptions } from '../../src/config/options';
import { LOCAL_KEY } from '../helpers/keys';


function configError(options: unknown): PasetoConfigError {
  try {
    new PasetoAuthService(options as PasetoAuthOptions);
  } catch (error) {
    expect(error).to.be.instanceOf(PasetoConfigError);
    return error as PasetoConfigError;
  }
  throw new Error('expected a PasetoConfigError');
}

describe('configuration', () => {
  it("has fastapi-paseto's defaults", () => {
    const { config } = new PasetoAuthService({ secretKey: LOCAL_KEY });
    expect(config).to.deep.include({
      tokenLocation: ['headers'],
      websocketTokenLocation: ['auth', 'headers', 'query'],
      purpose: 'local',
      version: 4,
      decodeLeeway: 0,
      denylistEnabled: false,
      denylistTokenChecks: ['access', 'refresh'],
      headerName: 'Authorization',
      headerType: 'Bearer',
      jsonKey: 'access_token',
      jsonType: null,
      websocketQueryKey: 'token',
      accessTokenExpires: 900,
      refreshTokenExpires: 2_592_000,
      otherTokenExpires: 2_592_000,
      rolesClaim: 'roles',
    });
    expect(config.statusCodes.bad_header).to.equal(400);
    expect(Object.isFrozen(config)).to.equal(true);
    expect(DEFAULTS.headerType).to.equal('Bearer');
  });

  it('declares each option once: DEFAULTS is what an empty configuration resolves to', () => {
    const { config } = new PasetoAuthService({ secretKey: LOCAL_KEY });
    for (const [name, value] of Object.entries(DEFAULTS)) expect(config[name as keyof typeof config], name).to.deep.equal(value);
    expect(Object.keys(config).filter((name) => !Object.hasOwn(DEFAULTS, name))).to.have.members([
      'encodeIssuer',
      'decodeIssuer',
      'decodeAudience',
      'requireJti',
      'cookieDomain',
      'cookieMaxAge',
    ]);
  });

  it('refuses null for an option that has no null meaning, naming it (undefined means not given)', () => {
    expect(() => new PasetoAuthService({ secretKey: LOCAL_KEY, decodeLeeway: null as unknown as number })).to.throw(PasetoConfigError, 'decodeLeeway');
    expect(() => new PasetoAuthService({ secretKey: LOCAL_KEY, tokenLocation: null as unknown as [] })).to.throw(PasetoConfigError, 'tokenLocation');
    expect(new PasetoAuthService({ secretKey: LOCAL_KEY, decodeLeeway: undefined, jsonType: null }).config.decodeLeeway).to.equal(0);
  });

  it('keeps headerType null (bare tokens) and list options as given', () => {
    const { config } = new PasetoAuthService({ secretKey: LOCAL_KEY, headerType: null, decodeAudience: 'api', decodeIssuer: ['a', 'b'] });
    expect(config.headerType).to.equal(null);
    expect(config.decodeAudience).to.deep.equal(['api']);
    expect(config.decodeIssuer).to.deep.equal(['a', 'b']);
  });

  const invalid: Array<[string, Record<string, unknown>, string]> = [
    ['a bad purpose', { purpose: 'secret' }, 'purpose'],
    ['a bad version', { version: 2 }, 'version'],
    ['accessTokenExpires: true', { accessTokenExpires: true }, 'accessTokenExpires'],
    ['a negative lifetime', { refreshTokenExpires: -1 }, 'refreshTokenExpires'],
    ['a zero lifetime', { otherTokenExpires: 0 }, 'otherTokenExpires'],
    ['an unknown location', { tokenLocation: ['headers', 'body'] }, 'tokenLocation'],
    ['json on sockets', { websocketTokenLocation: ['json'] }, 'websocketTokenLocation'],
    ['an empty location list', { tokenLocation: [] }, 'tokenLocation'],
    ['a negative leeway', { decodeLeeway: -1 }, 'decodeLeeway'],
    ['an unknown option', { headerNmae: 'X-Token' }, 'headerNmae'],
    ['a non-boolean denylistEnabled', { denylistEnabled: 'yes' }, 'denylistEnabled'],
    ['a denylist without methods', { denylist: {} }, 'denylist'],
    ['a loader that is not a function', { tokenInDenylistLoader: true }, 'tokenInDenylistLoader'],
    ['an empty headerName', { headerName: '' }, 'headerName'],
    ['an unknown status code key', { statusCodes: { nope: 422 } }, 'statusCodes'],
    ['an impossible status', { statusCodes: { invalid_token: 99 } }, 'statusCodes'],
    ['an empty decodeAudience list', { decodeAudience: [] }, 'decodeAudience'],
    ['a fractional cache size', { verifiedTokenCacheSize: 1.5 }, 'verifiedTokenCacheSize'],
    ['a header name with a space', { headerName: 'X Token' }, 'headerName'],
    ['a scheme with a trailing space', { headerType: 'Bearer ' }, 'headerType'],
    ['a scheme with a line break (header injection)', { headerType: 'Bearer\r\nSet-Cookie: a=b' }, 'headerType'],
    ['a success status for an error', { statusCodes: { invalid_token: 200 } }, 'statusCodes'],
    ['a redirect status for an error', { statusCodes: { token_missing: 302 } }, 'statusCodes'],
    ['a lifetime beyond a century', { accessTokenExpires: 1e20 }, 'accessTokenExpires'],
  ];
  for (const [what, options, field] of invalid) {
    it(`refuses ${what}, naming ${field}`, () => {
      const error = configError({ secretKey: LOCAL_KEY, ...options });
      expect(error.field).to.equal(field);
      expect(error.message).to.contain(field).and.to.match(/expected|unknown option/);
    });
  }

  it('refuses a local purpose without secretKey and a public purpose without keys', () => {
    expect(configError({}).field).to.equal('secretKey');
    expect(configError({ purpose: 'public' }).field).to.equal('privateKey');
  });

  it('refuses options that are not an object', () => {
    expect(configError(null).field).to.equal('options');
  });

  it('refuses keys together with top-level key fields, and unknown fields in key entries', () => {
    expect(configError({ secretKey: LOCAL_KEY, keys: [{ secretKey: LOCAL_KEY }] }).field).to.equal('secretKey');
    expect(configError({ keys: [{ secretKey: LOCAL_KEY, colour: 'red' }] }).field).to.equal('keys[0].colour');
    expect(configError({ keys: [{ secretKey: LOCAL_KEY }, { version: 5, secretKey: LOCAL_KEY }] }).field).to.equal('keys[1].version');
    expect(configError({ keys: [] }).field).to.equal('keys');
  });

  it('refuses a wrong key type for the version at construction', () => {
    const p384 = generateKeys({ version: 3, purpose: 'public', format: 'pem' });
    expect(configError({ purpose: 'public', version: 4, privateKey: p384.privateKey }).field).to.equal('privateKey');
    expect(configError({ secretKey: 'k3.local.' + Buffer.alloc(32).toString('base64url') }).field).to.equal('secretKey');
    expect(configError({ secretKey: 'abc' }).field).to.equal('secretKey');
  });

  it('reads keys from files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paseto-config-'));
    const pair = generateKeys({ version: 4, purpose: 'public', format: 'pem' });
    writeFileSync(join(dir, 'secret.pem'), pair.privateKey as string);
    writeFileSync(join(dir, 'public.pem'), pair.publicKey as string);
    writeFileSync(join(dir, 'local.key'), `${LOCAL_KEY}\n`);
    const signer = new PasetoAuthService({ purpose: 'public', privateKeyFile: join(dir, 'secret.pem') });
    const verifier = new PasetoAuthService({ purpose: 'public', publicKeyFile: join(dir, 'public.pem') });
    expect((await verifier.verifyToken(await signer.createAccessToken({ subject: 'a' }))).subject).to.equal('a');
    const local = new PasetoAuthService({ secretKeyFile: join(dir, 'local.key') });
    expect((await local.verifyToken(await new PasetoAuthService({ secretKey: LOCAL_KEY }).createAccessToken({ subject: 'b' }))).subject).to.equal('b');
    expect(configError({ secretKeyFile: join(dir, 'missing.key') }).field).to.equal('secretKeyFile');
  });
});
