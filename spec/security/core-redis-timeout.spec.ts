/**
 * RedisDenylist bounds its own commands (`commandTimeoutMs`): with ioredis' default options a
 * command waits through ~20 reconnection attempts (10 s and more) while Redis is down, and every
 * revocation waited with it. Checked against a real redis-server that is stopped.
 */
import { expect } from 'chai';
import Redis from 'ioredis';
import { RedisDenylist, type RedisDenylistClient } from '../../src/denylist/redis';
import { AuthPasetoError, PasetoConfigError } from '../../src/errors';
import { PasetoAuthService } from '../../src/service';
import { TestClock } from '../../src/testing/clock';
import { requireRedisServer, startRedisServer, type RedisServer } from '../helpers/redis-server';
import { LOCAL_KEY } from '../helpers/keys';


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
  let store: RedisDenylist | undefined;

  before(function () {
    requireRedisServer(this);
  });

  afterEach(async () => {
    store?.close();
    client?.disconnect();
    client = undefined;
    await server?.stop();
    server = undefined;
  });

  it('with default ioredis options, a revocation rejects and checks fail closed instead of waiting for the client', async function () {
    // ioredis' own retries would hold a command for 10 s and more: this bound is what the test proves.
    this.timeout(5_000);
    server = await startRedisServer();
    client = new Redis({ port: server.port, host: '127.0.0.1' }); // ioredis defaults: retries and an offline queue
    client.on('error', () => undefined);
    const clock = new TestClock();
    store = new RedisDenylist({ client, commandTimeoutMs: 50, clock });
    await store.ready();
    const auth = new PasetoAuthService({ secretKey: LOCAL_KEY, denylistEnabled: true, denylist: store });
    const token = await auth.createAccessToken({ subject: 'alice' });
    expect((await auth.verifyToken(token)).subject).to.equal('alice');

    await server.stop();
    server = undefined;
    expect((await failure(auth.revokeToken(token))).code).to.equal('denylist_unavailable');
    // Past maxStalenessMs without Redis, the mirror is no longer trusted.
    for (let tries = 0; tries < 200 && !(await auth.verifyToken(token).then(() => false, () => true)); tries += 1) {
      clock.advance(2_001);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await failure(auth.verifyToken(token))).code).to.equal('denylist_unavailable');
  });

  it('defaults to 500 ms and validates the option', () => {
    const stub = { call: () => Promise.resolve(1), duplicate: () => ({ subscribe: () => Promise.resolve(1), ping: () => Promise.resolve('PONG'), on: () => undefined, disconnect: () => undefined }) } as RedisDenylistClient;
    new RedisDenylist({ client: stub }).close();
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, '100']) {
      expect(() => new RedisDenylist({ client: stub, commandTimeoutMs: bad as number }), String(bad)).to.throw(PasetoConfigError, 'commandTimeoutMs');
    }
  });
});
