/**
 * Interoperability with two independent implementations used as oracles: paseto-ts (v4.local,
 * v4.public) and paseto@4 by panva (v3.local, v3.public, v4.public, PASERK ids). Both are ESM-only:
 * paseto-ts through import(), paseto@4 through require() (Node >= 20.19).
 */
import { expect } from 'chai';
import { LocalProtocol, PublicProtocol } from 'paseto';
import * as v3local from 'paseto/v3/local';
import * as v3public from 'paseto/v3/public';
import * as v4public from 'paseto/v4/public';
import { generateKeys, type GeneratedKeys } from '../../src/keys/generate';
import { KeyRing } from '../../src/keys/key-ring';
import { decodeToken, encodeToken } from '../../src/tokens/protocol';

type PasetoTs = typeof import('paseto-ts/v4');

const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
const ASSERTION = '{"device":"interop"}';
const FOOTER = '{"app":"interop"}';

/** String claims with a future RFC 3339 `exp`, as both oracles require. */
function claims(subject: string): { sub: string; exp: string; data: string } {
  return { sub: subject, exp: new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'), data: 'ünïcødé ✓' };
}

function ringOf(keys: GeneratedKeys): KeyRing {
  return KeyRing.fromOptions([{ version: keys.version, purpose: keys.purpose, secretKey: keys.secretKey, privateKey: keys.privateKey }], () => '');
}

describe('interop with paseto-ts (v4)', () => {
  let pasetoTs: PasetoTs;
  before(async () => {
    pasetoTs = (await import('paseto-ts/v4'));
  });

  it('v4.local: our tokens decrypt with paseto-ts, and theirs with us', () => {
    const keys = generateKeys({ version: 4, purpose: 'local' });
    const ring = ringOf(keys);
    const ours = encodeToken(ring.signer, utf8(JSON.stringify(claims('alice'))), utf8(FOOTER), utf8(ASSERTION));
    const opened = pasetoTs.decrypt(keys.secretKey!, ours, { assertion: ASSERTION });
    expect(opened.payload.sub).to.equal('alice');
    expect(opened.payload.data).to.equal('ünïcødé ✓');

    const theirs = pasetoTs.encrypt(keys.secretKey!, claims('bob'), { footer: FOOTER, assertion: ASSERTION });
    const decoded = decodeToken(ring, theirs, utf8(ASSERTION));
    expect(JSON.parse(text(decoded.payload))).to.include({ sub: 'bob', data: 'ünïcødé ✓' });
    expect(text(decoded.footer)).to.equal(FOOTER);
    expect(() => decodeToken(ring, theirs, utf8('{}'))).to.throw('Failed to decrypt.');
  });

  it('v4.public: our tokens verify with paseto-ts, and theirs with us', () => {
    const keys = generateKeys({ version: 4, purpose: 'public' });
    const ring = ringOf(keys);
    const ours = encodeToken(ring.signer, utf8(JSON.stringify(claims('alice'))), utf8(FOOTER), utf8(ASSERTION));
    expect(pasetoTs.verify(keys.publicKey!, ours, { assertion: ASSERTION }).payload.sub).to.equal('alice');

    const theirs = pasetoTs.sign(keys.privateKey!, claims('bob'), { footer: FOOTER, assertion: ASSERTION });
    const decoded = decodeToken(ring, theirs, utf8(ASSERTION));
    expect(JSON.parse(text(decoded.payload)).sub).to.equal('bob');
    expect(text(decoded.footer)).to.equal(FOOTER);
  });
});

describe('interop with paseto@4 (panva)', () => {
  const options = { footer: utf8(FOOTER), implicitAssertion: utf8(ASSERTION) };

  it('v3.local: both directions, and the same k3.lid', async () => {
    const protocol = new LocalProtocol(v3local.EncryptFactory, v3local.DecryptFactory, v3local.ImportKeyFactory, v3local.KeyIDFactory);
    const keys = generateKeys({ version: 3, purpose: 'local' });
    const ring = ringOf(keys);
    const key = await protocol.ImportKey(keys.secretKey as `k3.local.${string}`);
    expect(await protocol.KeyID(keys.secretKey as `k3.local.${string}`)).to.equal(ring.signer.kid);

    const ours = encodeToken(ring.signer, utf8(JSON.stringify(claims('alice'))), utf8(FOOTER), utf8(ASSERTION));
    const opened = await protocol.Decrypt(key, ours, options);
    expect(opened.claims).to.include({ sub: 'alice', data: 'ünïcødé ✓' });

    const theirs = await protocol.Encrypt(key, claims('bob'), options);
    const decoded = decodeToken(ring, theirs, utf8(ASSERTION));
    expect(JSON.parse(text(decoded.payload)).sub).to.equal('bob');
    expect(text(decoded.footer)).to.equal(FOOTER);
  });

  /** Our tokens verify with paseto@4 and its tokens verify with us. */
  async function publicBothWays(ring: KeyRing, sign: (claims: object) => Promise<string>, verify: (token: string) => Promise<{ claims: object }>): Promise<void> {
    const ours = encodeToken(ring.signer, utf8(JSON.stringify(claims('alice'))), utf8(FOOTER), utf8(ASSERTION));
    expect((await verify(ours)).claims).to.include({ sub: 'alice' });
    const theirs = await sign(claims('bob'));
    const decoded = decodeToken(ring, theirs, utf8(ASSERTION));
    expect(JSON.parse(text(decoded.payload)).sub).to.equal('bob');
    expect(text(decoded.footer)).to.equal(FOOTER);
    expect(() => decodeToken(ring, theirs, utf8('{}'))).to.throw('Failed to verify.');
  }

  it('v3.public: both directions, and the same k3.pid', async () => {
    const protocol = new PublicProtocol(v3public.SignFactory, v3public.VerifyFactory, v3public.ImportSecretKeyFactory, v3public.ImportPublicKeyFactory, v3public.PublicKeyIDFactory);
    const keys = generateKeys({ version: 3, purpose: 'public' });
    const ring = ringOf(keys);
    expect(await protocol.PublicKeyID(keys.publicKey as `k3.public.${string}`)).to.equal(ring.signer.kid);
    const secretKey = await protocol.ImportSecretKey(keys.privateKey as `k3.secret.${string}`);
    const publicKey = await protocol.ImportPublicKey(keys.publicKey as `k3.public.${string}`);
    await publicBothWays(ring, (c) => protocol.Sign(secretKey, c, options), (token) => protocol.Verify(publicKey, token, options));
  });

  it('v4.public: both directions', async () => {
    const protocol = new PublicProtocol(v4public.SignFactory, v4public.VerifyFactory, v4public.ImportSecretKeyFactory, v4public.ImportPublicKeyFactory);
    const keys = generateKeys({ version: 4, purpose: 'public' });
    const ring = ringOf(keys);
    const secretKey = await protocol.ImportSecretKey(keys.privateKey as `k4.secret.${string}`);
    const publicKey = await protocol.ImportPublicKey(keys.publicKey as `k4.public.${string}`);
    await publicBothWays(ring, (c) => protocol.Sign(secretKey, c, options), (token) => protocol.Verify(publicKey, token, options));
  });
});
