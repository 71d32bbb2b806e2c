/**
 * RedisDenylist bounds its own commands (`commandTimeoutMs`): with ioredis' default options a
 * command waits through ~20 reconnection attempts (10 s and more) while Redis is down, and every
 * request waited with it. Checked against a real redis-server that is stopped.
 */
import { expect } from 'chai';
import Redis from 'ioredis';
import { RedisDenylist, type RedisDenylistClient } from '../../src/denylist/redis';
import { AuthPasetoError, PasetoConfigError } from '../../src/errors';
import { PasetoAuthService } from '../../src/service';
import { redisServerAvailable, startRedisServer, type RedisServer } from '../helpers/redis-server';

const LOCAL_KEY = `k4.local.${Buffer.alloc(32, 7).toString('base64url')}`;

/** Wraps a client so the test can see whether the client's own command has settled. */
function watched(client: Redis): { client: RedisDenylistClient; pending: () => number } {
  let pending = 0;
  const track = <T>(promise: Promise<T>): Promise<T> => {
    pending++;
    const settle = () => {
      pending--;
    };
    promise.then(settle, settle);
    return promise;
  };
  return {
    client: {
      set: (...args: [string, string] | [string, string, 'PXAT', number]) => track((client.set as (...a: unknown[]) => Promise<unknown>)(...args)),
      exists: (key: string) => track(client.exists(key)),
    },
    pending: () => pending,
  };
}

async function failure(promise: Promise<unknown>): Promise<AuthPasetoError> {
  const error = await promise.then(
    () => expect.fail('expected a rejection'),
    (caught: unknown) => caught,
  );
  expect(error).to.be.instanceOf(AuthPasetoError);
  return error as AuthPasetoError;
}

describe('security: RedisDenylist bounds its commands while Redis is down', function () {
  let server: RedisServer | undefined;
  let client: Redis | undefined;

  before(function () {
    if (!redisServerAvailable()) this.skip();
  });

  afterEach(async () => {
    client?.disconnect();
    client = undefined;
    await server?.stop();
    server = undefined;
  });

  it('with default ioredis options, verification and revocation fail closed before the client gives up', async () => {
    server = await startRedisServer();
    client = new Redis({ port: server.port, host: '127.0.0.1' }); // ioredis defaults: retries and an offline queue
    client.on('error', () => undefined);
    const { client: wrapped, pending } = watched(client);
    const auth = new PasetoAuthService({ secretKey: LOCAL_KEY, denylistEnabled: true, denylist: new RedisDenylist({ client: wrapped, commandTimeoutMs: 50 }) });
    const token = await auth.createAccessToken({ subject: 'alice' });
    expect((await auth.verifyToken(token)).subject).to.equal('alice');

    await server.stop();
    server = undefined;
    expect((await failure(auth.verifyToken(token))).code).to.equal('denylist_unavailable');
    // The client is still retrying its EXISTS: the answer came from our bound, not from ioredis.
    expect(pending()).to.equal(1);
    expect((await failure(auth.revokeToken(token))).code).to.equal('denylist_unavailable');
    expect(pending()).to.equal(2);
  });

  it('defaults to 500 ms and validates the option', () => {
    const stub: RedisDenylistClient = { set: () => Promise.resolve('OK'), exists: () => Promise.resolve(0) };
    expect(new RedisDenylist({ client: stub }).commandTimeoutMs).to.equal(500);
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, '100']) {
      expect(() => new RedisDenylist({ client: stub, commandTimeoutMs: bad as number }), String(bad)).to.throw(PasetoConfigError, 'commandTimeoutMs');
    }
  });

  it('a slow answer that arrives after the bound is ignored; in time it counts', async () => {
    let answer!: (value: number) => void;
    const slow: RedisDenylistClient = {
      set: () => Promise.resolve('OK'),
      exists: () => new Promise<number>((resolve) => (answer = resolve)),
    };
    const store = new RedisDenylist({ client: slow, commandTimeoutMs: 20 });
    const token = { jti: 'j', type: 'access', expiresAt: null, claims: {} };
    const late = store.isRevoked(token);
    const outcome = await late.then(
      () => 'answered',
      (error: unknown) => (error as Error).message,
    );
    answer(1);
    expect(outcome).to.match(/did not answer within 20 ms/);
    const inTime = store.isRevoked(token);
    answer(1);
    expect(await inTime).to.equal(true);
  });
});
