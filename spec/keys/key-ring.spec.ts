import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { PasetoConfigError } from '../../src/errors';
import { generateKeys } from '../../src/keys/generate';
import { KeyRing, type ResolvedKeyOptions } from '../../src/keys/key-ring';
import { keyId, serializePaserk } from '../../src/keys/paserk';
import { decodeToken, encodeToken } from '../../src/tokens/protocol';

const prefix = (i: number): string => `keys[${i}].`;
const ring = (...entries: ResolvedKeyOptions[]): KeyRing => KeyRing.fromOptions(entries, prefix);

/** Expect a PasetoConfigError on `field` whose message matches `pattern`. */
function expectConfigError(run: () => unknown, field: string, pattern?: RegExp): PasetoConfigError {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(PasetoConfigError);
    const configError = error as PasetoConfigError;
    expect(configError.field).to.equal(field);
    if (pattern) expect(configError.message).to.match(pattern);
    return configError;
  }
  return expect.fail('expected a PasetoConfigError');
}

// From the official vectors 4-S-1 (Ed25519) and 3-S-1 (P-384, SEC 1 private key).
const ED25519_PRIVATE_PEM = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEILTL+0PfTOIQcn2VPkpxMwf6Gbt9n4UEFDjZ4RuUKjd0\n-----END PRIVATE KEY-----';
const ED25519_PUBLIC_PEM = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAHrnbu7wEfAP9cGBOAHHwmH4Wsot1ciXBHwBBXQ4gsaI=\n-----END PUBLIC KEY-----';
const ED25519_PUBLIC = '1eb9dbbbbc047c03fd70604e0071f0987e16b28b757225c11f00415d0e20b1a2';
const P384_PRIVATE_PEM =
  '-----BEGIN EC PRIVATE KEY-----\nMIGkAgEBBDAgNHYJYHR3rKj7+8XmIYRV8xmWaXku+LRm+qh73Gd5gUTISN0DZh7t\nWsYkYTQM6pagBwYFK4EEACKhZANiAAT7y3xp7hxgV5vnozQTSHjZxcW/NdVS2rY8\nAUA5ftFM72N9dyCSXERpnqMOcodMcvt8kgcrB8KcKee0HU23E79/s4CvEs8hBfnj\nSUd/gcAm08EjSIz06iWjrNy4NakxR3I=\n-----END EC PRIVATE KEY-----';
const P384_PUBLIC_PEM =
  '-----BEGIN PUBLIC KEY-----\nMHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE+8t8ae4cYFeb56M0E0h42cXFvzXVUtq2\nPAFAOX7RTO9jfXcgklxEaZ6jDnKHTHL7fJIHKwfCnCnntB1NtxO/f7OArxLPIQX5\n40lHf4HAJtPBI0iM9Oolo6zcuDWpMUdy\n-----END PUBLIC KEY-----';
const P384_PUBLIC = '02fbcb7c69ee1c60579be7a334134878d9c5c5bf35d552dab63c0140397ed14cef637d7720925c44699ea30e72874c72fb';

const LOCAL_HEX = '707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f';
const LOCAL_BYTES = Buffer.from(LOCAL_HEX, 'hex');
const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');
const NONE = new Uint8Array(0);

describe('KeyRing: local keys', () => {
  const expectedKid = keyId(4, 'local', LOCAL_BYTES);

  it('accepts the same 32 bytes as PASERK, hex, base64url, base64 and a Uint8Array, with one kid', () => {
    const forms = [serializePaserk(4, 'local', LOCAL_BYTES), LOCAL_HEX, LOCAL_HEX.toUpperCase(), LOCAL_BYTES.toString('base64url'), LOCAL_BYTES.toString('base64'), new Uint8Array(LOCAL_BYTES)];
    for (const secretKey of forms) {
      const key = ring({ version: 4, purpose: 'local', secretKey }).signer;
      expect(key.kid, String(secretKey)).to.equal(expectedKid);
      expect(key).to.include({ version: 4, purpose: 'local', canSign: true });
    }
  });

  it('refuses a 31-byte key in every form, naming the field', () => {
    const short = LOCAL_BYTES.subarray(0, 31);
    for (const secretKey of [short.toString('hex'), short.toString('base64url'), new Uint8Array(short)]) {
      expectConfigError(() => ring({ version: 4, purpose: 'local', secretKey }), 'keys[0].secretKey', /32 bytes, got 31/);
    }
    expectConfigError(() => ring({ version: 4, purpose: 'local', secretKey: `k4.local.${short.toString('base64url')}` }), 'keys[0].secretKey', /32 bytes, got 31/);
    expectConfigError(() => ring({ version: 4, purpose: 'local', secretKey: 'not a key' }), 'keys[0].secretKey', /expected a k4\.local PASERK/);
  });

  it('refuses a PASERK of the other version or type', () => {
    expectConfigError(() => ring({ version: 4, purpose: 'local', secretKey: serializePaserk(3, 'local', LOCAL_BYTES) }), 'keys[0].secretKey', /expected a k4\.local PASERK, got k3\.local/);
    expectConfigError(() => ring({ version: 3, purpose: 'local', secretKey: `k3.public.${Buffer.from(P384_PUBLIC, 'hex').toString('base64url')}` }), 'keys[0].secretKey', /got k3\.public/);
  });

  it('refuses public key fields on a local key and a missing secret', () => {
    expectConfigError(() => ring({ version: 4, purpose: 'local', secretKey: LOCAL_HEX, publicKey: ED25519_PUBLIC_PEM }), 'keys[0].publicKey', /local key takes secretKey/);
    expectConfigError(() => ring({ version: 4, purpose: 'local' }), 'keys[0].secretKey', /needs secretKey/);
  });

  it('never shows key material in messages, JSON or inspection', () => {
    const error = expectConfigError(() => ring({ version: 3, purpose: 'local', secretKey: serializePaserk(4, 'local', LOCAL_BYTES) }), 'keys[0].secretKey');
    expect(error.message).to.not.include(LOCAL_BYTES.toString('base64url'));
    const key = ring({ version: 4, purpose: 'local', secretKey: LOCAL_HEX }).signer;
    for (const shown of [JSON.stringify(key), inspect(key, { showHidden: true, depth: 5 })]) {
      expect(shown).to.not.include(LOCAL_HEX);
      expect(shown).to.not.include('112, 113, 114'); // the bytes 0x70 0x71 0x72
    }
  });
});

describe('KeyRing: files', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'paseto-keys-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads secretKeyFile, privateKeyFile and publicKeyFile synchronously, trimmed', () => {
    writeFileSync(join(dir, 'local.key'), `\n${serializePaserk(4, 'local', LOCAL_BYTES)}\n`);
    writeFileSync(join(dir, 'private.pem'), `${ED25519_PRIVATE_PEM}\n`);
    writeFileSync(join(dir, 'public.pem'), `${ED25519_PUBLIC_PEM}\n`);
    expect(ring({ version: 4, purpose: 'local', secretKeyFile: join(dir, 'local.key') }).signer.kid).to.equal(keyId(4, 'local', LOCAL_BYTES));
    const pair = ring({ version: 4, purpose: 'public', privateKeyFile: join(dir, 'private.pem'), publicKeyFile: join(dir, 'public.pem') }).signer;
    expect(pair.kid).to.equal(keyId(4, 'public', Buffer.from(ED25519_PUBLIC, 'hex')));
  });

  it('names the file field when the file cannot be read, without its content', () => {
    expectConfigError(() => ring({ version: 4, purpose: 'local', secretKeyFile: join(dir, 'missing.key') }), 'keys[0].secretKeyFile', /cannot read the key file \(ENOENT\)/);
    expectConfigError(() => KeyRing.fromOptions([{ version: 4, purpose: 'public', privateKeyFile: dir }], () => ''), 'privateKeyFile', /cannot read/);
  });

  it('refuses an inline value and a file for the same key', () => {
    expectConfigError(() => ring({ version: 4, purpose: 'local', secretKey: LOCAL_HEX, secretKeyFile: join(dir, 'local.key') }), 'keys[0].secretKey', /either keys\[0\]\.secretKey or keys\[0\]\.secretKeyFile, not both/);
  });
});

describe('KeyRing: public keys and PEM', () => {
  it('imports Ed25519 PEM (v4) and P-384 SEC 1 / SPKI PEM (v3), with PASERK pids', () => {
    const v4 = ring({ version: 4, purpose: 'public', privateKey: ED25519_PRIVATE_PEM }).signer;
    expect(v4).to.include({ version: 4, purpose: 'public', canSign: true, kid: keyId(4, 'public', Buffer.from(ED25519_PUBLIC, 'hex')) });
    const v3 = ring({ version: 3, purpose: 'public', privateKey: P384_PRIVATE_PEM, publicKey: P384_PUBLIC_PEM }).signer;
    expect(v3.kid).to.equal(keyId(3, 'public', Buffer.from(P384_PUBLIC, 'hex')));
    const verifyOnly = ring({ version: 3, purpose: 'local', secretKey: LOCAL_HEX }, { version: 3, purpose: 'public', publicKey: P384_PUBLIC_PEM }).keys[1];
    expect(verifyOnly).to.include({ canSign: false, kid: v3.kid });
  });

  it('goes both ways: generated PEM and PASERK pairs import to the same key', () => {
    for (const version of [3, 4] as const) {
      const pem = generateKeys({ version, purpose: 'public', format: 'pem' });
      expect(pem.privateKey).to.match(/^-----BEGIN PRIVATE KEY-----/);
      expect(pem.publicKey).to.match(/^-----BEGIN PUBLIC KEY-----/);
      const fromPem = ring({ version, purpose: 'public', privateKey: pem.privateKey, publicKey: pem.publicKey }).signer;
      expect(fromPem.kid).to.equal(pem.kid);
      const paserk = generateKeys({ version, purpose: 'public', format: 'paserk' });
      expect(paserk.privateKey).to.match(new RegExp(`^k${version}\\.secret\\.`));
      const fromPaserk = ring({ version, purpose: 'public', privateKey: paserk.privateKey, publicKey: paserk.publicKey }).signer;
      expect(fromPaserk.kid).to.equal(paserk.kid);
      const token = encodeToken(fromPaserk, utf8('{"sub":"a"}'), NONE, NONE);
      const verifier = ring({ version, purpose: 'local', secretKey: LOCAL_HEX }, { version, purpose: 'public', publicKey: paserk.publicKey });
      expect(Buffer.from(decodeToken(verifier, token, NONE).payload).toString()).to.equal('{"sub":"a"}');
    }
  });

  it('generates local keys as PASERK only', () => {
    const local = generateKeys({ version: 3, purpose: 'local' });
    expect(local.secretKey).to.match(/^k3\.local\./);
    expect(ring({ version: 3, purpose: 'local', secretKey: local.secretKey }).signer.kid).to.equal(local.kid);
    expectConfigError(() => generateKeys({ version: 4, purpose: 'local', format: 'pem' }), 'format');
  });

  it('refuses a key of the wrong curve or type for the version, naming the field', () => {
    expectConfigError(() => ring({ version: 3, purpose: 'public', privateKey: ED25519_PRIVATE_PEM }), 'keys[0].privateKey', /expected an ECDSA P-384 key \(version 3\), got a ed25519 key/);
    expectConfigError(
      () => ring({ version: 4, purpose: 'local', secretKey: LOCAL_HEX }, { version: 4, purpose: 'public', publicKey: P384_PUBLIC_PEM }),
      'keys[1].publicKey',
      /expected an Ed25519 key \(version 4\), got a ec secp384r1 key/,
    );
    const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expectConfigError(() => ring({ version: 3, purpose: 'public', privateKey: p256 }), 'keys[0].privateKey', /got a ec prime256v1 key/);
    expectConfigError(() => ring({ version: 4, purpose: 'public', privateKey: ED25519_PUBLIC_PEM }), 'keys[0].privateKey', /got a public key/);
    expectConfigError(() => ring({ version: 4, purpose: 'public', privateKey: '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----' }), 'keys[0].privateKey', /could not read the PEM private key/);
  });

  it('refuses a public key that is not the half of the private key, and a secretKey on a public key', () => {
    const other = generateKeys({ version: 4, purpose: 'public' });
    expectConfigError(() => ring({ version: 4, purpose: 'public', privateKey: ED25519_PRIVATE_PEM, publicKey: other.publicKey }), 'keys[0].publicKey', /not the public half/);
    expectConfigError(() => ring({ version: 4, purpose: 'public', secretKey: LOCAL_HEX, publicKey: other.publicKey }), 'keys[0].secretKey', /for purpose local/);
    expectConfigError(() => ring({ version: 4, purpose: 'public' }), 'keys[0].privateKey', /needs privateKey/);
  });

  it('refuses a k4.secret whose public half does not match its seed', () => {
    const secret = Buffer.alloc(64, 7);
    expectConfigError(() => ring({ version: 4, purpose: 'public', privateKey: serializePaserk(4, 'secret', secret) }), 'keys[0].privateKey', /does not match its seed/);
  });

  it('requires the first key to sign when any key can, and allows a verify-only ring', () => {
    const other = generateKeys({ version: 4, purpose: 'public' });
    expectConfigError(() => ring({ version: 4, purpose: 'public', publicKey: ED25519_PUBLIC_PEM }, { version: 4, purpose: 'public', privateKey: other.privateKey }), 'keys[0].privateKey', /first key signs/);
    const verifier = KeyRing.fromOptions([{ version: 4, purpose: 'public', publicKey: ED25519_PUBLIC_PEM }], () => '');
    expect(verifier.signer.canSign).to.equal(false);
    expect(() => encodeToken(verifier.signer, NONE, NONE, NONE)).to.throw(Error, /cannot sign/);
    expectConfigError(() => KeyRing.fromOptions([], prefix), 'keys');
  });
});

describe('KeyRing: rotation', () => {
  const oldKey: ResolvedKeyOptions = { version: 4, purpose: 'local', secretKey: LOCAL_HEX };
  const newKey: ResolvedKeyOptions = { version: 4, purpose: 'local', secretKey: generateKeys({ version: 4, purpose: 'local' }).secretKey };
  const payload = utf8('{"sub":"rotated"}');

  it('signs with the first key and opens tokens of every key, selected by kid', () => {
    const before = ring(oldKey);
    const after = ring(newKey, oldKey);
    expect(after.signer.kid).to.not.equal(before.signer.kid);
    const oldToken = encodeToken(before.signer, payload, utf8(JSON.stringify({ kid: before.signer.kid })), NONE);
    const decoded = decodeToken(after, oldToken, NONE);
    expect(decoded.key).to.equal(after.keys[1]);
    expect(after.find(4, 'local', before.signer.kid)).to.equal(after.keys[1]);
    expect(after.find(4, 'public', before.signer.kid)).to.equal(undefined);
    // Without a kid, every key of the version and purpose is tried in order.
    expect(decodeToken(after, encodeToken(before.signer, payload, NONE, NONE), NONE).key).to.equal(after.keys[1]);
  });

  it('fails an unknown PASERK kid like a wrong key, even when another key would open it', () => {
    const after = ring(newKey, oldKey);
    const stranger = generateKeys({ version: 4, purpose: 'local' }).kid;
    const token = encodeToken(after.keys[1], payload, utf8(JSON.stringify({ kid: stranger })), NONE);
    expect(() => decodeToken(after, token, NONE)).to.throw('Failed to decrypt.').with.property('code', 'invalid_token');
    const mislabelled = encodeToken(after.keys[1], payload, utf8(JSON.stringify({ kid: after.keys[0].kid })), NONE);
    expect(() => decodeToken(after, mislabelled, NONE)).to.throw('Failed to decrypt.');
  });

  it('retires a key by dropping it from the ring', () => {
    const token = encodeToken(ring(oldKey).signer, payload, NONE, NONE);
    expect(() => decodeToken(ring(newKey), token, NONE)).to.throw('Failed to decrypt.');
  });

  it('reports what it accepts', () => {
    const mixed = ring(newKey, { version: 3, purpose: 'public', publicKey: P384_PUBLIC_PEM });
    expect(mixed.accepts(4, 'local')).to.equal(true);
    expect(mixed.accepts(3, 'public')).to.equal(true);
    expect(mixed.accepts(4, 'public')).to.equal(false);
    expect(mixed.accepts(3, 'local')).to.equal(false);
    expect(mixed.acceptsVersion(3)).to.equal(true);
    expect(mixed.acceptsVersion(2)).to.equal(false);
    expect(mixed.candidates(4, 'local')).to.deep.equal([mixed.signer]);
  });
});
