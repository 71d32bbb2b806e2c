import { expect } from 'chai';
import express from 'express';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthPasetoError, PasetoConfigError } from '../../src/errors';
import { generateKeys } from '../../src/keys/generate';
import { KeySetError, MAX_KEY_SET_KEYS, PASETO_KEY_SET_PATH, parseKeySet } from '../../src/keys/key-set';
import { serializePaserk } from '../../src/keys/paserk';
import type { KeySetOptions } from '../../src/keys/remote-key-set';
import { PasetoAuthService } from '../../src/service';
import { TestClock } from '../../src/testing/clock';

const v4 = (): ReturnType<typeof generateKeys> => generateKeys({ version: 4, purpose: 'public' });
const v3 = (): ReturnType<typeof generateKeys> => generateKeys({ version: 3, purpose: 'public' });

/** A loopback server answering every request with `handler`; the number of requests it got. */
async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ url: string; requests: () => number; close(): Promise<void> }> {
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests += 1;
    handler(request, response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/paseto-keys`,
    requests: () => requests,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

const json = (body: unknown) => (_request: IncomingMessage, response: ServerResponse) => {
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify(body));
};

/** The KeySetError of a consumer's first fetch of `url`, and what verification says meanwhile. */
async function refusal(url: string, keySetOptions: KeySetOptions = {}): Promise<{ error: KeySetError; reported: KeySetError[]; verifyError: AuthPasetoError }> {
  const reported: KeySetError[] = [];
  const consumer = new PasetoAuthService({ keySetUrl: url, keySetOptions: { onError: (error) => reported.push(error), ...keySetOptions } });
  const error = await consumer.ready().then(
    () => expect.fail('ready() resolved'),
    (caught: unknown) => caught as KeySetError,
  );
  expect(error).to.be.instanceOf(KeySetError);
  const issuer = new PasetoAuthService({ purpose: 'public', keys: [{ privateKey: v4().privateKey }] });
  const verifyError = await consumer.verifyToken(await issuer.createAccessToken({ subject: 'alice' })).then(
    () => expect.fail('verified without keys'),
    (caught: unknown) => caught as AuthPasetoError,
  );
  return { error, reported, verifyError };
}

describe('auth.publicKeySet()', () => {
  it('lists the public half of every public key of the ring, signer first, and nothing else', () => {
    const [signer, old, v3Key] = [v4(), v4(), v3()];
    const auth = new PasetoAuthService({
      purpose: 'public',
      keys: [{ privateKey: signer.privateKey }, { publicKey: old.publicKey }, { version: 3, publicKey: v3Key.publicKey }, { purpose: 'local', secretKey: generateKeys({ version: 4, purpose: 'local' }).secretKey }],
    });
    expect(auth.publicKeySet()).to.deep.equal({ keys: [signer.publicKey, old.publicKey, v3Key.publicKey] });
    expect(JSON.stringify(auth.publicKeySet())).to.not.match(/secret|local/);
  });

  it('is empty for a ring of local keys', () => {
    expect(new PasetoAuthService({ secretKey: generateKeys({ version: 4, purpose: 'local' }).secretKey }).publicKeySet()).to.deep.equal({ keys: [] });
  });
});

describe('parseKeySet refuses a hostile set whole, never quoting a key', () => {
  const good = v4().publicKey!;
  const secret = v4().privateKey!;
  const local = generateKeys({ version: 4, purpose: 'local' }).secretKey!;
  const cases: Array<[string, unknown, RegExp]> = [
    ['not an object', ['k4.public.x'], /is not a key set/],
    ['keys not a list', { keys: good }, /is not a key set/],
    ['no keys', { keys: [] }, /holds no keys/],
    ['too many keys', { keys: Array.from({ length: MAX_KEY_SET_KEYS + 1 }, () => v4().publicKey) }, /holds 33 keys, more than 32/],
    ['a secret key', { keys: [good, secret] }, /keys\[1\] is a secret key: a key set publishes public keys only/],
    ['a local key', { keys: [local] }, /keys\[0\] is a local key/],
    ['a key of the other version', { keys: [v3().publicKey] }, /keys\[0\] is not valid: expected a k4\.public PASERK, got k3\.public/],
    ['a key id instead of a key', { keys: ['k4.pid.' + 'A'.repeat(44)] }, /keys\[0\] is not valid/],
    ['a malformed key', { keys: ['k4.public.!!'] }, /keys\[0\] is not valid/],
    ['a small-order key', { keys: [serializePaserk(4, 'public', new Uint8Array(32))] }, /small order/],
    ['a key listed twice', { keys: [good, good] }, /keys\[1\] is listed twice/],
    ['a number', { keys: [4] }, /keys\[0\] is not a PASERK string/],
  ];
  for (const [what, body, pattern] of cases) {
    it(what, () => {
      const result = parseKeySet(body, 4);
      expect(result).to.be.a('string').that.matches(pattern);
      for (const key of [secret, local]) expect(result).to.not.include(key.split('.')[2]);
    });
  }

  it('accepts k3.public keys when the service is of version 3', () => {
    const key = v3();
    const [parsed] = parseKeySet({ keys: [key.publicKey] }, 3) as Array<{ kid: string }>;
    expect(parsed.kid).to.equal(key.kid);
  });
});

describe('keySetUrl: configuration mistakes fail at construction', () => {
  const cases: Array<[Record<string, unknown>, string, RegExp]> = [
    [{ keySetUrl: 'issuer/.well-known/paseto-keys' }, 'keySetUrl', /absolute http\(s\) URL/],
    [{ keySetUrl: 'ftp://issuer.example/keys' }, 'keySetUrl', /got ftp:/],
    [{ keySetUrl: 'https://user:pw@issuer.example/keys' }, 'keySetUrl', /credentials/],
    [{ keySetUrl: 'http://issuer.example/keys' }, 'keySetUrl', /use https/],
    [{ keySetUrl: 42 }, 'keySetUrl', /URL/],
    [{ keySetUrl: 'https://issuer.example/keys', keySetOptions: { timeoutMs: 0 } }, 'keySetOptions.timeoutMs', /> 0/],
    [{ keySetUrl: 'https://issuer.example/keys', keySetOptions: { refetchMs: 5 } }, 'keySetOptions.refetchMs', /unknown option/],
    [{ keySetUrl: 'https://issuer.example/keys', keySetOptions: { onError: 'log' } }, 'keySetOptions.onError', /function/],
    [{ keySetUrl: 'https://issuer.example/keys', purpose: 'local' }, 'purpose', /purpose must be 'public'/],
  ];
  for (const [options, field, pattern] of cases) {
    it(`${field}: ${JSON.stringify(options)}`, () => {
      try {
        new PasetoAuthService(options);
      } catch (error) {
        expect(error).to.be.instanceOf(PasetoConfigError);
        expect((error as PasetoConfigError).field).to.equal(field);
        expect((error as Error).message).to.match(pattern);
        return;
      }
      expect.fail('constructed');
    });
  }

  it('accepts plain http to a loopback host, or elsewhere with allowInsecureHttp', async () => {
    const closed = await serve((_request, response) => response.destroy());
    await closed.close();
    for (const keySetUrl of [closed.url, closed.url.replace('127.0.0.1', 'localhost')]) new PasetoAuthService({ keySetUrl });
    new PasetoAuthService({ keySetUrl: 'http://auth.internal/keys', keySetOptions: { allowInsecureHttp: true, timeoutMs: 1 } });
  });
});

describe('keySetUrl: a fetch that fails is reported, refused cleanly, and never crashes', () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  const start = async (handler: Parameters<typeof serve>[0]): Promise<string> => {
    const server = await serve(handler);
    servers.push(server);
    return server.url;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  const expectRefused = async (url: string, pattern: RegExp, options: KeySetOptions = {}): Promise<void> => {
    const { error, reported, verifyError } = await refusal(url, options);
    expect(error.message).to.match(pattern);
    expect(error.message).to.not.include('?');
    expect(reported).to.deep.equal([error]);
    expect(verifyError).to.be.instanceOf(AuthPasetoError);
    expect(verifyError.toJSON()).to.deep.equal({ name: 'AuthPasetoError', message: 'Failed to verify.', code: 'invalid_token', status: 401 });
  };

  it('an unreachable issuer', async () => {
    const closed = await serve(() => undefined);
    await closed.close();
    await expectRefused(`${closed.url}?secret=1`, /could not be fetched \(ECONNREFUSED\)/);
  });

  it('an issuer that does not answer within timeoutMs', async () => {
    await expectRefused(await start(() => undefined), /timed out after 50 ms/, { timeoutMs: 50 });
  });

  it('a body that stops half way past timeoutMs', async () => {
    const url = await start((_request, response) => response.write('{"keys":['));
    await expectRefused(url, /timed out after 50 ms/, { timeoutMs: 50 });
  });

  it('an error status, a redirect, non-JSON and non-UTF-8 bodies', async () => {
    await expectRefused(await start((_request, response) => response.writeHead(500).end('{}')), /answered HTTP 500, expected 200/);
    await expectRefused(await start((_request, response) => response.writeHead(302, { location: 'http://127.0.0.1:1/' }).end()), /could not be fetched/);
    await expectRefused(await start((_request, response) => response.end('<html>keys</html>')), /is not JSON/);
    await expectRefused(await start((_request, response) => response.end(Buffer.from([0x7b, 0xff, 0x7d]))), /is not JSON/);
  });

  it('an oversize body, announced or streamed without a length', async () => {
    const big = JSON.stringify({ keys: [v4().publicKey], padding: 'x'.repeat(70_000) });
    await expectRefused(await start((_request, response) => response.end(big)), /larger than 65536 bytes/);
    const streamed = await start((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      for (let i = 0; i < 80; i++) response.write(' '.repeat(1024));
      response.end('{}');
    });
    await expectRefused(streamed, /larger than 65536 bytes/);
  });

  it('a hostile set (a secret key in it)', async () => {
    await expectRefused(await start(json({ keys: [v4().privateKey] })), /refused: it keys\[0\] is a secret key/);
  });

  it('an onError listener that throws changes nothing', async () => {
    const closed = await serve(() => undefined);
    await closed.close();
    const consumer = new PasetoAuthService({ keySetUrl: closed.url, keySetOptions: { onError: () => { throw new Error('listener bug'); } } });
    await consumer.ready().then(() => expect.fail('resolved'), (error: unknown) => expect(error).to.be.instanceOf(KeySetError));
  });
});

describe('keySetUrl: verification against a fetched set', () => {
  it('a token of a held key verifies synchronously on the hot path; the first token waits for the first fetch', async () => {
    const key = v4();
    const issuer = new PasetoAuthService({ purpose: 'public', keys: [{ privateKey: key.privateKey }] });
    const server = await serve(json(issuer.publicKeySet()));
    try {
      const consumer = new PasetoAuthService({ keySetUrl: server.url });
      const token = await issuer.createAccessToken({ subject: 'alice' });
      const first = consumer.authenticateNow(token);
      expect(first).to.be.instanceOf(Promise);
      expect((await first)?.subject).to.equal('alice');
      const again = consumer.authenticateNow(await issuer.createAccessToken({ subject: 'bob' }));
      expect(again).to.not.be.instanceOf(Promise);
      expect((again as { subject: string }).subject).to.equal('bob');
      expect(server.requests()).to.equal(1);
    } finally {
      await server.close();
    }
  });

  it("reads the service clock (option clock): the refetch rate limit runs on the service's time", async () => {
    let published = new PasetoAuthService({ purpose: 'public', keys: [{ privateKey: v4().privateKey }] }).publicKeySet();
    const server = await serve((request, response) => json(published)(request, response));
    try {
      const clock = new TestClock();
      const consumer = new PasetoAuthService({ keySetUrl: server.url, clock, keySetOptions: { minRefetchIntervalMs: 5000 } });
      await consumer.ready();
      const rotated = new PasetoAuthService({ purpose: 'public', keys: [{ privateKey: v4().privateKey }] });
      published = rotated.publicKeySet();
      const token = await rotated.createAccessToken({ subject: 'alice' });
      expect(() => consumer.authenticateNow(token)).to.throw(AuthPasetoError).with.property('code', 'invalid_token');
      expect(server.requests()).to.equal(1);
      clock.advance(5000);
      expect((await consumer.authenticateNow(token))?.subject).to.equal('alice');
      expect(server.requests()).to.equal(2);
    } finally {
      await server.close();
    }
  });

  it('keeps verifying with its own keys too: a local secret beside the fetched public keys', async () => {
    const local = generateKeys({ version: 4, purpose: 'local' }).secretKey!;
    const issuer = new PasetoAuthService({ purpose: 'public', keys: [{ privateKey: v4().privateKey }] });
    const server = await serve(json(issuer.publicKeySet()));
    try {
      const both = new PasetoAuthService({ secretKey: local, keySetUrl: server.url });
      await both.ready();
      expect((await both.verifyToken(await issuer.createAccessToken({ subject: 'remote' }))).subject).to.equal('remote');
      expect((await both.verifyToken(await both.createAccessToken({ subject: 'own' }))).subject).to.equal('own');
      expect(both.publicKeySet()).to.deep.equal({ keys: [] });
    } finally {
      await server.close();
    }
  });
});

describe('README "Publishing keys" and docs/keys.md run as written', () => {
  it('an issuer app serving its key set, and a service verifying with keySetUrl', async () => {
    const generated = v4();
    process.env.PASETO_PRIVATE_KEY = generated.privateKey;
    // --- README.md "Publishing keys": keep the two in step ---------------------------------
    const issuer = new PasetoAuthService({ purpose: 'public', keys: [{ privateKey: process.env.PASETO_PRIVATE_KEY }] });
    const app = express();
    app.get(PASETO_KEY_SET_PATH, (_request, response) => {
      response.json(issuer.publicKeySet());
    });
    // ---
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      process.env.PASETO_KEY_SET_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}${PASETO_KEY_SET_PATH}`;
      const warnings: unknown[] = [];
      const console = { warn: (...args: unknown[]) => warnings.push(args) };
      // --- README.md "Publishing keys", the verifier -------------------------------------
      const auth = new PasetoAuthService({ keySetUrl: process.env.PASETO_KEY_SET_URL });
      auth.ready().catch((error: unknown) => console.warn('no key set yet, tokens are refused until it is fetched:', error));
      // ---
      await auth.ready();
      expect(warnings).to.deep.equal([]);
      expect(issuer.publicKeySet()).to.deep.equal({ keys: [generated.publicKey] });
      expect((await auth.verifyToken(await issuer.createAccessToken({ subject: 'alice' }))).subject).to.equal('alice');
    } finally {
      delete process.env.PASETO_PRIVATE_KEY;
      delete process.env.PASETO_KEY_SET_URL;
      server.close();
    }
  });
});
