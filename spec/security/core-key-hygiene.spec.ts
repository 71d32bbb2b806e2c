/**
 * Keys that are no secret, or not random, are refused at start-up with a PasetoConfigError that
 * names the field and says what to do instead.
 */
import { expect } from 'chai';
import { createECDH, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { PasetoConfigError } from '../../src/errors';
import { generateKeys } from '../../src/keys/generate';
import { PasetoAuthService } from '../../src/service';
import type { PasetoAuthOptions, PasetoKeyOptions } from '../../src/config/options';

/** The P-384 group order. */
const P384_N = 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n;

function configError(options: PasetoAuthOptions): PasetoConfigError {
  try {
    new PasetoAuthService(options);
  } catch (error) {
    expect(error).to.be.instanceOf(PasetoConfigError);
    return error as PasetoConfigError;
  }
  return expect.fail('expected a PasetoConfigError');
}

const ring = (...keys: PasetoKeyOptions[]): PasetoAuthOptions => ({ keys });
const k3Secret = (scalar: bigint): string => `k3.secret.${Buffer.from(scalar.toString(16).padStart(96, '0'), 'hex').toString('base64url')}`;
/** The 32-byte Ed25519 seed of a `k4.secret` PASERK (its first half). */
const seedOf = (paserk: string): Buffer => Buffer.from(paserk.slice('k4.secret.'.length), 'base64url').subarray(0, 32);

describe('security: key hygiene at start-up', () => {
  describe('one secret in two roles', () => {
    it('the same 32 bytes as a v3.local and a v4.local key of one ring are refused, in any form and order', () => {
      const secret = randomBytes(32);
      for (const [first, second] of [
        [{ version: 4, secretKey: secret.toString('hex') }, { version: 3, secretKey: secret.toString('base64url') }],
        [{ version: 3, secretKey: new Uint8Array(secret) }, { version: 4, secretKey: secret.toString('hex') }],
      ] as const) {
        const error = configError(ring({ purpose: 'local', ...first }, { purpose: 'local', ...second }));
        expect(error.field).to.equal('keys[1].secretKey');
        expect(error.message).to.include(`v${first.version}.local key of keys[0].secretKey`).and.include('separate random key');
        expect(error.message).not.to.include(secret.toString('hex')).and.not.include(secret.toString('base64url'));
      }
      // The same key twice for one version is a harmless repetition, and two different keys are fine.
      expect(() => new PasetoAuthService(ring({ version: 4, purpose: 'local', secretKey: secret }, { version: 4, purpose: 'local', secretKey: secret }))).not.to.throw();
      expect(() => new PasetoAuthService(ring({ version: 4, purpose: 'local', secretKey: secret }, { version: 3, purpose: 'local', secretKey: randomBytes(32) }))).not.to.throw();
    });

    it('a local key equal to the Ed25519 seed of a signing key of the ring is refused, in either order', () => {
      const pair = generateKeys({ version: 4, purpose: 'public' });
      const seed = seedOf(pair.privateKey!);
      const signing = { version: 4, purpose: 'public', privateKey: pair.privateKey } as const;
      const local = { version: 4, purpose: 'local', secretKey: seed.toString('hex') } as const;
      const v3Local = { version: 3, purpose: 'local', secretKey: seed.toString('base64url') } as const;
      for (const [keys, field] of [
        [[signing, local], 'keys[1].secretKey'],
        [[local, signing], 'keys[0].secretKey'],
        [[v3Local, signing], 'keys[0].secretKey'],
      ] as const) {
        const error = configError(ring(...keys));
        expect(error.field).to.equal(field);
        expect(error.message).to.include('Ed25519 seed');
      }
      // The PEM form of the same signing key too.
      const pem = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: seed.toString('base64url'), x: Buffer.from(pair.publicKey!.slice(10), 'base64url').toString('base64url') }, format: 'jwk' })
        .export({ format: 'pem', type: 'pkcs8' })
        .toString();
      expect(configError(ring({ version: 4, purpose: 'public', privateKey: pem }, local)).field).to.equal('keys[1].secretKey');
    });
  });

  describe('trivially weak signing keys', () => {
    /** A P-384 private key of this scalar as PKCS#8 PEM (node computes the point). */
    function p384Pem(scalar: bigint): string {
      const ecdh = createECDH('secp384r1');
      const d = Buffer.from(scalar.toString(16).padStart(96, '0'), 'hex');
      ecdh.setPrivateKey(d);
      const point = ecdh.getPublicKey();
      const jwk = { kty: 'EC', crv: 'P-384', d: d.toString('base64url'), x: point.subarray(1, 49).toString('base64url'), y: point.subarray(49).toString('base64url') };
      return createPrivateKey({ key: jwk, format: 'jwk' }).export({ format: 'pem', type: 'pkcs8' }).toString();
    }

    for (const [name, scalar] of [
      ['1', 1n],
      ['2', 2n],
      ['2^64', 2n ** 64n],
      ['n - 1', P384_N - 1n],
      ['n - 2', P384_N - 2n],
    ] as const) {
      it(`a P-384 secret scalar of ${name} is refused (k3.secret and PEM)`, () => {
        for (const privateKey of [k3Secret(scalar), p384Pem(scalar)]) {
          const error = configError({ version: 3, purpose: 'public', privateKey });
          expect(error.field).to.equal('privateKey');
          expect(error.message).to.include('scalar').and.include('npx paseto-controllers keygen');
        }
      });
    }

    it('an all-zero Ed25519 seed is refused (k4.secret and PEM)', () => {
      const zero = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32)]), format: 'der', type: 'pkcs8' });
      const x = Buffer.from(createPublicKey(zero).export({ format: 'jwk' }).x!, 'base64url');
      for (const privateKey of [`k4.secret.${Buffer.concat([Buffer.alloc(32), x]).toString('base64url')}`, zero.export({ format: 'pem', type: 'pkcs8' }).toString()]) {
        const error = configError({ version: 4, purpose: 'public', privateKey });
        expect(error.field).to.equal('privateKey');
        expect(error.message).to.include('seed').and.include('npx paseto-controllers keygen');
      }
    });

    it('generated key pairs pass', () => {
      for (let i = 0; i < 20; i++) {
        for (const version of [3, 4] as const) {
          const keys = generateKeys({ version, purpose: 'public' });
          expect(new PasetoAuthService({ version, purpose: 'public', privateKey: keys.privateKey }).keyIds).to.have.length(1);
        }
      }
    });
  });

  describe('passphrases given as keys', () => {
    const passphrases = [
      'correcthorsebatterystaplecorrecthorsebatter', // 43 letters: valid base64url of 32 bytes
      'CorrectHorseBatteryStapleCorrectHorseBatter',
      `${'CORRECTHORSEBATTERYSTAPLE'.repeat(2).slice(0, 43)}=`,
      Buffer.from('a 32 byte passphrase, honestly!!').toString('hex'), // text bytes, as hex
      Buffer.from('a 32 byte passphrase, honestly!!').toString('base64'),
    ];
    for (const passphrase of passphrases) {
      it(`refuses ${passphrase.slice(0, 24)}… as a local key, saying to generate one`, () => {
        const error = configError({ secretKey: passphrase });
        expect(error.field).to.equal('secretKey');
        expect(error.message).to.include('passphrase').and.include('npx paseto-controllers keygen');
        expect(error.message).not.to.include(passphrase);
      });
    }

    it('refuses 32 bytes of printable text as a Uint8Array or PASERK', () => {
      const text = Buffer.from('a 32 byte passphrase, honestly!!');
      expect(configError({ secretKey: new Uint8Array(text) }).message).to.include('npx paseto-controllers keygen');
      expect(configError({ secretKey: `k4.local.${text.toString('base64url')}` }).message).to.include('npx paseto-controllers keygen');
    });

    it('a short password says what a key is and how to make one', () => {
      for (const password of ['secret', 'my super secret key!', 'hunter2']) {
        expect(configError({ secretKey: password }).message, password).to.include('npx paseto-controllers keygen');
      }
    });

    it('random keys in every accepted form pass', () => {
      for (let i = 0; i < 300; i++) {
        const secret = randomBytes(32);
        for (const secretKey of [secret.toString('hex'), secret.toString('base64url'), secret.toString('base64'), new Uint8Array(secret), `k4.local.${secret.toString('base64url')}`]) {
          expect(new PasetoAuthService({ secretKey }).keyIds).to.have.length(1);
        }
      }
    });
  });
});
