import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PasetoVersion } from '../../src/config/options';
import { PasetoConfigError } from '../../src/errors';
import { KeyRing } from '../../src/keys/key-ring';
import { PaserkError, keyId, parsePaserk, paserkId, serializePaserk, type PaserkKeyType } from '../../src/keys/paserk';
import { keyPairFromSecretBytes } from '../../src/keys/raw';

/** One entry of the official PASERK test vectors. */
interface PaserkVector {
  name: string;
  'expect-fail': boolean;
  key: string | null;
  'public-key'?: string | null;
  paserk: string | null;
}

const FIXTURES = join(__dirname, '..', 'fixtures', 'paseto-vectors', 'PASERK');
const hex = (text: string): Buffer => Buffer.from(text, 'hex');

function load(file: string): PaserkVector[] {
  return (JSON.parse(readFileSync(join(FIXTURES, `${file}.json`), 'utf8')) as { tests: PaserkVector[] }).tests;
}

const KEY_TYPES: readonly PaserkKeyType[] = ['local', 'secret', 'public'];
const ID_TYPES = { lid: 'local', sid: 'secret', pid: 'public' } as const;

for (const version of [3, 4] as const satisfies readonly PasetoVersion[]) {
  for (const type of KEY_TYPES) {
    describe(`PASERK k${version}.${type} official vectors`, () => {
      for (const vector of load(`k${version}.${type}`)) {
        if (vector['expect-fail']) {
          it(`${vector.name} is refused`, () => {
            if (vector.paserk !== null) {
              expect(() => parsePaserk(vector.paserk!, { version, type })).to.throw(PaserkError);
            } else {
              expect(() => serializePaserk(version, type, hex(vector.key!))).to.throw(PaserkError);
            }
          });
          continue;
        }
        it(`${vector.name} serializes and parses back`, () => {
          expect(serializePaserk(version, type, hex(vector.key!))).to.equal(vector.paserk);
          const parsed = parsePaserk(vector.paserk!, { version, type });
          expect(parsed).to.include({ version, type });
          expect(Buffer.from(parsed.data).toString('hex')).to.equal(vector.key);
        });
        if (type === 'secret') {
          it(`${vector.name} imports as a signing key`, () => {
            const pair = keyPairFromSecretBytes(version, hex(vector.key!));
            expect(pair.privateKey.type).to.equal('private');
            if (version === 3) {
              // The k3.secret vectors give the public key as (hex of) a PEM: ours must be its half.
              const pem = hex(vector['public-key']!).toString('utf8');
              const load = () => KeyRing.fromOptions([{ version, purpose: 'public', privateKey: vector.paserk!, publicKey: pem }], () => '');
              // k3.secret-1 is the scalar 1 (public key = the generator): a format vector, refused as a key.
              if (BigInt(`0x${vector.key!}`) === 1n) return expect(load).to.throw(PasetoConfigError, 'trivially small');
              expect(load().signer.canSign).to.equal(true);
            } else {
              expect(pair.publicBytes.toString('hex')).to.equal(vector['public-key']);
            }
          });
        }
      }
    });
  }
  for (const [idType, keyType] of Object.entries(ID_TYPES) as [keyof typeof ID_TYPES, PaserkKeyType][]) {
    describe(`PASERK k${version}.${idType} official vectors`, () => {
      for (const vector of load(`k${version}.${idType}`)) {
        if (vector['expect-fail']) {
          it(`${vector.name} is refused`, () => {
            expect(() => keyId(version, keyType, hex(vector.key!))).to.throw(PaserkError);
          });
          continue;
        }
        it(`${vector.name} gives the id`, () => {
          expect(keyId(version, keyType, hex(vector.key!))).to.equal(vector.paserk);
          expect(paserkId(serializePaserk(version, keyType, hex(vector.key!)))).to.equal(vector.paserk);
        });
      }
    });
  }
}

describe('PASERK parsing', () => {
  const local = 'k4.local.cHFyc3R1dnd4eXp7fH1-f4CBgoOEhYaHiImKi4yNjo8';

  it('refuses another type than the expected one', () => {
    expect(() => parsePaserk(local, { type: 'secret' })).to.throw(PaserkError, /expected a k\{3,4\}\.secret PASERK, got k4\.local/);
  });

  it('refuses unknown versions, types and shapes', () => {
    for (const text of ['k2.local.AAAA', 'k4.seal.AAAA', 'k4.local', 'k4.local.a.b', '', 'v4.local.AAAA']) {
      expect(() => parsePaserk(text), text).to.throw(PaserkError);
    }
  });

  it('refuses non-canonical base64url, padding and other alphabets', () => {
    expect(() => parsePaserk(`${local}=`)).to.throw(PaserkError, /base64url/);
    expect(() => parsePaserk(local.replace(/-/, '+'))).to.throw(PaserkError, /base64url/);
    // Last character 'p' has non-zero unused bits where '8' has none.
    expect(() => parsePaserk(local.slice(0, -1) + '9')).to.throw(PaserkError, /base64url/);
  });

  it('never puts key material in its messages', () => {
    const short = 'k4.local.cHFyc3R1dnd4eXp7fH1-f4CBgoOEhYaHiImKi4yNjo';
    try {
      KeyRing.fromOptions([{ version: 3, purpose: 'local', secretKey: local }], () => '');
      expect.fail('should throw');
    } catch (error) {
      expect(error).to.be.instanceOf(PasetoConfigError);
      expect((error as Error).message).to.not.include(local.slice(9));
    }
    expect(() => parsePaserk(short)).to.throw(PaserkError).with.property('message').that.does.not.include(short.slice(9));
  });
});
