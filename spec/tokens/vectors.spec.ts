import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PasetoVersion } from '../../src/config/options';
import { TokenFailure } from '../../src/tokens/failure';
import { KeyRing, type ResolvedKeyOptions } from '../../src/keys/key-ring';
import { activeBlake2b, blake2bImplementations, useBlake2b, type Blake2bImplementation } from '../../src/tokens/blake2b';
import { decodeToken, encodeToken, encodeTokenWithNonce } from '../../src/tokens/protocol';

/** One entry of the official PASETO test vectors (spec/fixtures/paseto-vectors). */
interface Vector {
  name: string;
  'expect-fail': boolean;
  key?: string;
  nonce?: string;
  'public-key'?: string;
  'secret-key'?: string;
  'secret-key-pem'?: string;
  'public-key-pem'?: string;
  token: string;
  payload: string | null;
  footer: string;
  'implicit-assertion': string;
}

const FIXTURES = join(__dirname, '..', 'fixtures', 'paseto-vectors');
const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');
const hex = (text: string): Uint8Array => Buffer.from(text, 'hex');

function load(version: PasetoVersion): Vector[] {
  return (JSON.parse(readFileSync(join(FIXTURES, `v${version}.json`), 'utf8')) as { tests: Vector[] }).tests;
}

/** The ring a vector describes: its local key, or its key pair (signing) / public key (verify only). */
function ringOf(version: PasetoVersion, vector: Vector, verifyOnlyCopy = false): KeyRing {
  const entries: ResolvedKeyOptions[] = [];
  if (vector.key !== undefined) entries.push({ version, purpose: 'local', secretKey: vector.key });
  if (vector['secret-key'] !== undefined) {
    entries.push({ version, purpose: 'public', privateKey: hex(vector['secret-key']), publicKey: hex(vector['public-key']!) });
  }
  if (verifyOnlyCopy && vector['public-key'] !== undefined) {
    // A verify-only second key: the same public key given as PEM.
    entries.push({ version, purpose: 'public', publicKey: vector['public-key-pem']! });
  }
  return KeyRing.fromOptions(entries, (i) => `keys[${i}].`);
}

describe('keyed BLAKE2b implementations', () => {
  it('both run here: sodium-native (a dev dependency) and noble, so the vectors below check each', () => {
    expect(blake2bImplementations.map((implementation) => implementation.name)).to.deep.equal(['sodium-native', 'noble']);
    expect(activeBlake2b().name).to.equal('sodium-native');
  });
});

/** v3 once; v4 once per keyed BLAKE2b implementation (v4.local's MAC and key derivation). */
const suites: Array<{ version: PasetoVersion; blake2b?: Blake2bImplementation }> = [
  { version: 3 },
  ...blake2bImplementations.map((blake2b) => ({ version: 4 as const, blake2b })),
];

for (const { version, blake2b } of suites) {
  describe(`PASETO v${version} official test vectors${blake2b ? ` (BLAKE2b: ${blake2b.name})` : ''}`, () => {
    if (blake2b) {
      const previous = activeBlake2b();
      before(() => useBlake2b(blake2b));
      after(() => useBlake2b(previous));
    }
    for (const vector of load(version)) {
      const assertion = utf8(vector['implicit-assertion']);
      if (vector['expect-fail']) {
        it(`${vector.name} fails`, () => {
          const ring = ringOf(version, vector);
          expect(() => decodeToken(ring, vector.token, assertion)).to.throw(TokenFailure);
        });
        continue;
      }
      it(`${vector.name} decodes to its payload and footer`, () => {
        const decoded = decodeToken(ringOf(version, vector), vector.token, assertion);
        expect(Buffer.from(decoded.payload).toString('utf8')).to.equal(vector.payload);
        expect(Buffer.from(decoded.footer).toString('utf8')).to.equal(vector.footer);
        expect(decoded.version).to.equal(version);
      });
      const key = () => ringOf(version, vector).signer;
      if (vector.nonce !== undefined && vector.key !== undefined) {
        it(`${vector.name} is reproduced by encryption with its nonce`, () => {
          const token = encodeTokenWithNonce(key(), utf8(vector.payload!), utf8(vector.footer), assertion, hex(vector.nonce!));
          expect(token).to.equal(vector.token);
        });
      } else if (version === 4) {
        it(`${vector.name} is reproduced by signing (Ed25519 is deterministic)`, () => {
          expect(encodeToken(key(), utf8(vector.payload!), utf8(vector.footer), assertion)).to.equal(vector.token);
        });
      } else {
        it(`${vector.name}: a signature we make verifies (ECDSA is randomized) with a verify-only PEM key too`, () => {
          const token = encodeToken(key(), utf8(vector.payload!), utf8(vector.footer), assertion);
          expect(token).to.not.equal(vector.token);
          const verifyOnly = KeyRing.fromOptions(
            [
              { version, purpose: 'local', secretKey: '07'.repeat(32) },
              { version, purpose: 'public', publicKey: vector['public-key-pem']! },
            ],
            (i) => `keys[${i}].`,
          );
          const decoded = decodeToken(verifyOnly, token, assertion);
          expect(Buffer.from(decoded.payload).toString('utf8')).to.equal(vector.payload);
          expect(decoded.key.canSign).to.equal(false);
        });
      }
    }
  });
}
