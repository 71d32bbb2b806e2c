/**
 * Keys that import cleanly but let anyone make tokens: Ed25519 public keys of small order, local
 * keys that are a public key of the ring or all zeros, and P-384 points node should not accept.
 * Each is refused at import with a PasetoConfigError naming the field, never quoting the key.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PasetoAuthOptions } from '../../src/config/options';
import { PasetoConfigError } from '../../src/errors';
import { generateKeys } from '../../src/keys/generate';
import { KeyRing, type ResolvedKeyOptions } from '../../src/keys/key-ring';
import { parsePaserk, serializePaserk } from '../../src/keys/paserk';
import { PasetoAuthService } from '../../src/service';

const prefix = (i: number): string => `keys[${i}].`;
const ring = (...entries: ResolvedKeyOptions[]): KeyRing => KeyRing.fromOptions(entries, prefix);

/** Expect a PasetoConfigError on `field` whose message matches `pattern` and does not quote `material`. */
function expectRefused(run: () => unknown, field: string, pattern: RegExp, material?: Uint8Array): PasetoConfigError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected ${field} to be refused`).to.be.instanceOf(PasetoConfigError);
  const error = caught as PasetoConfigError;
  expect(error.field).to.equal(field);
  expect(error.message).to.match(pattern);
  if (material !== undefined) {
    const bytes = Buffer.from(material);
    for (const shown of [bytes.toString('hex'), bytes.toString('base64url'), bytes.toString('base64').replace(/=+$/, '')]) {
      expect(error.message).to.not.include(shown);
    }
  }
  return error;
}

const pem = (label: string, der: Buffer): string => `-----BEGIN ${label}-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;

// ---------------------------------------------------------------------------------------------
// Ed25519 arithmetic (RFC 8032 §5.1), only to derive the small-order points independently of the
// blocklist in src/keys/raw.ts.
const P = 2n ** 255n - 19n;
const mod = (a: bigint): bigint => ((a % P) + P) % P;
function power(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  for (let b = mod(base), e = exponent; e > 0n; e >>= 1n, b = (b * b) % P) if (e & 1n) result = (result * b) % P;
  return result;
}
const invert = (a: bigint): bigint => power(a, P - 2n);
const D = mod(-121665n * invert(121666n));
type Point = readonly [x: bigint, y: bigint];
function add([x1, y1]: Point, [x2, y2]: Point): Point {
  const t = mod(D * x1 * x2 * y1 * y2);
  return [mod((x1 * y2 + x2 * y1) * invert(1n + t)), mod((y1 * y2 + x1 * x2) * invert(1n - t))];
}
/** RFC 8032 §5.1.3 decoding of a canonical encoding. */
function decode(hex: string): Point {
  const bytes = Buffer.from(hex, 'hex');
  const sign = bytes[31] >> 7;
  bytes[31] &= 0x7f;
  const y = BigInt(`0x${Buffer.from(bytes).reverse().toString('hex')}`);
  const x2 = mod((y * y - 1n) * invert(D * y * y + 1n));
  let x = power(x2, (P + 3n) / 8n);
  if (mod(x * x - x2) !== 0n) x = mod(x * power(2n, (P - 1n) / 4n));
  expect(mod(x * x - x2)).to.equal(0n);
  return [Number(x & 1n) === sign ? x : mod(-x), y];
}
/** Little-endian 255-bit y with the sign bit of x on top. */
function encode(y: bigint, negative: boolean): Buffer {
  const bytes = Buffer.from(y.toString(16).padStart(64, '0'), 'hex').reverse();
  if (negative) bytes[31] |= 0x80;
  return bytes;
}

/**
 * Every 32-byte encoding of a point of small order: the 8 points of the torsion subgroup (the
 * multiples of a point of order 8), each y also as y + p when that fits in 255 bits (non-canonical),
 * each with both sign bits. 14 encodings.
 */
function smallOrderEncodings(): Buffer[] {
  const generator = decode('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05');
  const identity: Point = [0n, 1n];
  const points: Point[] = [identity];
  for (let i = 1; i < 8; i++) points.push(add(points[i - 1], generator));
  // Order exactly 8: [8]T is the identity, [4]T is not.
  expect(add(points[7], generator)).to.deep.equal(identity);
  expect(points[4]).to.not.deep.equal(identity);
  const encodings = new Map<string, Buffer>();
  for (const [, y] of points) {
    for (const value of [y, y + P]) {
      if (value >= 2n ** 255n) continue;
      for (const negative of [false, true]) encodings.set(encode(value, negative).toString('hex'), encode(value, negative));
    }
  }
  return [...encodings.values()];
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

describe('Unsafe keys: Ed25519 public keys of small order', () => {
  const encodings = smallOrderEncodings();

  it('covers all 14 small-order encodings (8 points, non-canonical y and sign-bit variants)', () => {
    expect(encodings).to.have.length(14);
    const hex = encodings.map((bytes) => bytes.toString('hex'));
    for (const known of ['00'.repeat(32), `01${'00'.repeat(31)}`, `ed${'ff'.repeat(30)}7f`, `ee${'ff'.repeat(30)}ff`]) expect(hex).to.include(known);
  });

  it('refuses each of them as a k4.public PASERK, raw bytes, an SPKI PEM (text or bytes) and a file, naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paseto-small-order-'));
    try {
      for (const bytes of encodings) {
        const spki = pem('PUBLIC KEY', Buffer.concat([ED25519_SPKI_PREFIX, bytes]));
        const file = join(dir, 'public.pem');
        writeFileSync(file, spki);
        const forms: [string, ResolvedKeyOptions][] = [
          ['publicKey', { version: 4, purpose: 'public', publicKey: `k4.public.${bytes.toString('base64url')}` }],
          ['publicKey', { version: 4, purpose: 'public', publicKey: new Uint8Array(bytes) }],
          ['publicKey', { version: 4, purpose: 'public', publicKey: spki }],
          ['publicKey', { version: 4, purpose: 'public', publicKey: Buffer.from(spki, 'latin1') }],
          ['publicKeyFile', { version: 4, purpose: 'public', publicKeyFile: file }],
        ];
        for (const [field, options] of forms) {
          expectRefused(() => ring(options), `keys[0].${field}`, /small order/, bytes);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses them beside a signing key too (a rotation ring keeps no forgeable verifier)', () => {
    const pair = generateKeys({ version: 4, purpose: 'public' });
    const zero = `k4.public.${Buffer.alloc(32).toString('base64url')}`;
    expectRefused(() => ring({ version: 4, purpose: 'public', privateKey: pair.privateKey }, { version: 4, purpose: 'public', publicKey: zero }), 'keys[1].publicKey', /small order/);
  });

  it('still accepts real public keys', () => {
    for (let i = 0; i < 20; i++) {
      const pair = generateKeys({ version: 4, purpose: 'public' });
      expect(ring({ version: 4, purpose: 'public', publicKey: pair.publicKey }).signer.canSign).to.equal(false);
    }
  });

  it('is refused by the service at construction, on the top-level publicKey field', () => {
    const publicKey = `k4.public.${Buffer.alloc(32).toString('base64url')}`;
    expectRefused(() => new PasetoAuthService({ purpose: 'public', publicKey }), 'publicKey', /small order/);
  });
});

describe('Unsafe keys: a local key that is a public key of the ring', () => {
  const pair = generateKeys({ version: 4, purpose: 'public' });
  const publicBytes = Buffer.from(parsePaserk(pair.publicKey!).data);

  it('refuses the raw bytes of a v4.public key reused as secretKey, in every form, naming the local field', () => {
    for (const secretKey of [publicBytes.toString('base64url'), publicBytes.toString('hex'), new Uint8Array(publicBytes), serializePaserk(4, 'local', publicBytes)]) {
      const error = expectRefused(
        () => ring({ version: 4, purpose: 'public', privateKey: pair.privateKey }, { version: 4, purpose: 'local', secretKey }),
        'keys[1].secretKey',
        /is the public key of keys\[0\]\.privateKey/,
        publicBytes,
      );
      expect(error.message).to.not.include(pair.publicKey!);
    }
  });

  it('refuses it whatever the order, for a verify-only public key, a key file and another version of local key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paseto-local-public-'));
    try {
      const file = join(dir, 'local.key');
      writeFileSync(file, `${publicBytes.toString('hex')}\n`);
      expectRefused(
        () => ring({ version: 4, purpose: 'local', secretKey: publicBytes.toString('base64url') }, { version: 4, purpose: 'public', publicKey: pair.publicKey }),
        'keys[0].secretKey',
        /is the public key of keys\[1\]\.publicKey/,
      );
      expectRefused(
        () => ring({ version: 4, purpose: 'public', privateKey: pair.privateKey }, { version: 4, purpose: 'local', secretKeyFile: file }),
        'keys[1].secretKeyFile',
        /public key of keys\[0\]\.privateKey/,
      );
      expectRefused(
        () => ring({ version: 4, purpose: 'public', privateKey: pair.privateKey }, { version: 3, purpose: 'local', secretKey: publicBytes.toString('base64url') }),
        'keys[1].secretKey',
        /public key of keys\[0\]\.privateKey/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts a separate local key beside the key pair', () => {
    const local = generateKeys({ version: 4, purpose: 'local' });
    const keys = ring({ version: 4, purpose: 'public', privateKey: pair.privateKey }, { version: 4, purpose: 'local', secretKey: local.secretKey }).keys;
    expect(keys.map((key) => key.purpose)).to.deep.equal(['public', 'local']);
  });

  it('is refused by the service at construction', () => {
    const options: PasetoAuthOptions = {
      keys: [
        { purpose: 'public', privateKey: pair.privateKey },
        { purpose: 'local', secretKey: publicBytes.toString('base64url') },
      ],
    };
    expectRefused(() => new PasetoAuthService(options), 'keys[1].secretKey', /public key of keys\[0\]\.privateKey/, publicBytes);
  });
});

describe('Unsafe keys: an all-zero local key', () => {
  const zero = Buffer.alloc(32);

  it('is refused in every accepted form and both versions, naming the field', () => {
    const forms: ResolvedKeyOptions['secretKey'][] = [
      new Uint8Array(32),
      Buffer.alloc(32),
      '0'.repeat(64),
      zero.toString('base64url'),
      zero.toString('base64'),
      `  ${'0'.repeat(64)}\n`,
    ];
    for (const version of [3, 4] as const) {
      for (const secretKey of [...forms, serializePaserk(version, 'local', zero)]) {
        expectRefused(() => ring({ version, purpose: 'local', secretKey }), 'keys[0].secretKey', /32 zero bytes/);
      }
    }
  });

  it('is refused from a key file, naming the file field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paseto-zero-'));
    try {
      const file = join(dir, 'local.key');
      writeFileSync(file, `k4.local.${zero.toString('base64url')}\n`);
      expectRefused(() => ring({ version: 4, purpose: 'local', secretKeyFile: file }), 'keys[0].secretKeyFile', /32 zero bytes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is refused by the service on the top-level secretKey', () => {
    expectRefused(() => new PasetoAuthService({ secretKey: new Uint8Array(32) }), 'secretKey', /32 zero bytes/);
  });

  it('leaves keys of one repeated non-zero byte, and keys with a single non-zero byte, to the user', () => {
    const oneByte = Buffer.alloc(32);
    oneByte[31] = 1;
    for (const secretKey of [Buffer.alloc(32, 7), `k4.local.${Buffer.alloc(32, 7).toString('base64url')}`, oneByte.toString('hex')]) {
      expect(ring({ version: 4, purpose: 'local', secretKey }).signer.canSign).to.equal(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// P-384 (v3.public): the cofactor is 1, so every point on the curve has the full prime order and
// there is no small-order blocklist. What must be refused is a point off the curve, a coordinate
// not reduced mod p, and the point at infinity.
const P384 = 2n ** 384n - 2n ** 128n - 2n ** 96n + 2n ** 32n - 1n;
const N384 = BigInt('0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973');
const be48 = (value: bigint): Buffer => Buffer.from(value.toString(16).padStart(96, '0'), 'hex');
const EC_P384_ALGORITHM = Buffer.from('301006072a8648ce3d020106052b81040022', 'hex');
/** DER of one TLV with a short-form or one-byte long-form length. */
const tlv = (tag: number, body: Buffer): Buffer => Buffer.concat([Buffer.of(tag), body.length < 128 ? Buffer.of(body.length) : Buffer.of(0x81, body.length), body]);
const p384Spki = (point: Buffer): string => pem('PUBLIC KEY', tlv(0x30, Buffer.concat([EC_P384_ALGORITHM, tlv(0x03, Buffer.concat([Buffer.of(0), point]))])));
/** SEC 1 ECPrivateKey with the secp384r1 OID and, optionally, the public point. */
const p384Sec1 = (scalar: Buffer, point?: Buffer): string =>
  pem(
    'EC PRIVATE KEY',
    tlv(
      0x30,
      Buffer.concat([
        Buffer.from('020101', 'hex'),
        tlv(0x04, scalar),
        Buffer.from('a00706052b81040022', 'hex'),
        ...(point === undefined ? [] : [tlv(0xa1, tlv(0x03, Buffer.concat([Buffer.of(0), point])))]),
      ]),
    ),
  );

describe('Unsafe keys: P-384 points', () => {
  const pair = generateKeys({ version: 3, purpose: 'public', format: 'pem' });
  const compressed = Buffer.from(parsePaserk(generateKeys({ version: 3, purpose: 'public' }).publicKey!).data);

  it('refuses compressed points off the curve or not reduced mod p (PASERK and raw bytes)', () => {
    // x = 1 has no y on P-384; x = p and x = 2^384 - 1 are not field elements.
    for (const x of [1n, 4n, P384, 2n ** 384n - 1n]) {
      for (const prefixByte of [0x02, 0x03]) {
        const bytes = Buffer.concat([Buffer.of(prefixByte), be48(x)]);
        expectRefused(() => ring({ version: 3, purpose: 'public', publicKey: `k3.public.${bytes.toString('base64url')}` }), 'keys[0].publicKey', /not a valid P-384 public key/, bytes);
        expectRefused(() => ring({ version: 3, purpose: 'public', publicKey: new Uint8Array(bytes) }), 'keys[0].publicKey', /not a valid P-384 public key/, bytes);
      }
    }
    expect(ring({ version: 3, purpose: 'public', publicKey: new Uint8Array(compressed) }).keys).to.have.length(1);
  });

  it('refuses SPKI PEM points off the curve, not reduced, or in an unknown form', () => {
    const valid = (ring({ version: 3, purpose: 'public', publicKey: pair.publicKey }), pair.publicKey!);
    const der = Buffer.from(valid.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
    const point = der.subarray(der.length - 97);
    const offCurve = Buffer.from(point);
    offCurve[96] ^= 1;
    const unreduced = Buffer.concat([Buffer.of(4), be48(P384), point.subarray(49)]);
    const badForm = Buffer.concat([Buffer.of(5), point.subarray(1)]);
    for (const bad of [offCurve, unreduced, badForm, Buffer.concat([Buffer.of(4), Buffer.alloc(96)])]) {
      expectRefused(() => ring({ version: 3, purpose: 'public', publicKey: p384Spki(bad) }), 'keys[0].publicKey', /PEM public key|not a valid point|point at infinity/);
    }
    expect(ring({ version: 3, purpose: 'public', publicKey: p384Spki(Buffer.from(point)) }).keys).to.have.length(1);
  });

  /**
   * OpenSSL imports these, and node then aborts the process (a native assertion) when the key's
   * details are read, or crashes verifying with it. So they run in a child process: without the
   * guard in src/keys/pem.ts the child dies and this test fails instead of the whole suite.
   */
  it('refuses the point at infinity (SPKI, SEC 1) and private scalars 0 and n with a PasetoConfigError, without crashing node', function () {
    this.timeout(30_000);
    const cases: Record<string, ResolvedKeyOptions> = {
      'SPKI point at infinity': { version: 3, purpose: 'public', publicKey: p384Spki(Buffer.of(0)) },
      'SEC 1 key whose point is at infinity': { version: 3, purpose: 'public', privateKey: p384Sec1(be48(5n), Buffer.of(0)) },
      'SEC 1 scalar 0': { version: 3, purpose: 'public', privateKey: p384Sec1(be48(0n)) },
      'SEC 1 scalar n': { version: 3, purpose: 'public', privateKey: p384Sec1(be48(N384)) },
    };
    const script = `
      const { KeyRing } = require('./src/keys/key-ring');
      const { PasetoConfigError } = require('./src/errors');
      const cases = JSON.parse(process.env.UNSAFE_KEY_CASES);
      const results = {};
      for (const [name, options] of Object.entries(cases)) {
        try {
          KeyRing.fromOptions([options], (i) => 'keys[' + i + '].');
          results[name] = 'accepted';
        } catch (error) {
          results[name] = error instanceof PasetoConfigError ? 'PasetoConfigError ' + error.field + ': ' + error.message : 'other error: ' + error.name;
        }
      }
      process.stdout.write(JSON.stringify(results));
    `;
    const child = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, UNSAFE_KEY_CASES: JSON.stringify(cases) },
      encoding: 'utf8',
      timeout: 25_000,
    });
    expect({ status: child.status, signal: child.signal }, `the key import crashed node:\n${child.stderr.slice(0, 2000)}`).to.deep.equal({ status: 0, signal: null });
    const results = JSON.parse(child.stdout) as Record<string, string>;
    expect(results['SPKI point at infinity']).to.match(/^PasetoConfigError keys\[0\]\.publicKey: .*point at infinity/);
    for (const name of ['SEC 1 key whose point is at infinity', 'SEC 1 scalar 0', 'SEC 1 scalar n']) {
      expect(results[name], name).to.match(/^PasetoConfigError keys\[0\]\.privateKey: .*point at infinity/);
    }
  });
});
