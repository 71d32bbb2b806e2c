import { expect } from 'chai';
import Redis from 'ioredis';
import { RedisDenylist } from '../../src/denylist/redis';
import { PasetoAuthService } from '../../src/service';
import { AuthPasetoError } from '../../src/errors';
import { redisServerAvailable, startRedisServer, type RedisServer } from '../helpers/redis-server';

const LOCAL_KEY = `k4.local.${Buffer.alloc(32, 7).toString('base64url')}`;

describe('RedisDenylist (a real redis-server on loopback)', function () {
  let server: RedisServer;
  let client: Redis;

  before(async function () {
    if (!redisServerAvailable()) {
      if (process.env.CI === 'true') throw new Error('redis-server is required in CI: .ci/run installs it (apt-get install redis-server)');
      console.warn('\n  !!! SKIPPING the Redis denylist suite: redis-server is not installed (apt-get install redis-server) !!!\n');
      this.skip();
    }
    server = await startRedisServer();
    client = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    await client.connect();
  });

  after(async () => {
    client?.disconnect();
    await server?.stop();
  });

  it('shares revocations between two services (two processes in production)', async () => {
    const options = { secretKey: LOCAL_KEY, denylistEnabled: true };
    const one = new PasetoAuthService({ ...options, denylist: new RedisDenylist({ client }) });
    const two = new PasetoAuthService({ ...options, denylist: new RedisDenylist({ client }) });
    const token = await one.createAccessToken({ subject: 'a' });
    expect((await two.verifyToken(token)).subject).to.equal('a');
    await one.revokeToken(token);
    const error = await two.verifyToken(token).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(AuthPasetoError);
    expect((error as AuthPasetoError).code).to.equal('token_revoked');
  });

  it('lets Redis expire the entry when the token expires', async () => {
    const store = new RedisDenylist({ client, prefix: 'test:' });
    await store.revoke('short', new Date(Date.now() + 60_000));
    await store.revoke('never', null);
    const ttl = await client.pttl('test:short');
    expect(ttl).to.be.within(1, 60_000);
    expect(await client.pttl('test:never')).to.equal(-1);
    await store.revoke('past', new Date(Date.now() - 1_000));
    expect(await store.isRevoked({ jti: 'past', type: 'access', expiresAt: null, claims: {} })).to.equal(false);
  });

  it('fails closed with denylist_unavailable (503) when Redis is unreachable', async () => {
    const dead = new Redis({ port: 1, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    dead.on('error', () => undefined);
    const auth = new PasetoAuthService({ secretKey: LOCAL_KEY, denylistEnabled: true, denylist: new RedisDenylist({ client: dead }) });
    const token = await auth.createAccessToken({ subject: 'a' });
    const error = await auth.verifyToken(token).catch((caught: unknown) => caught);
    expect((error as AuthPasetoError).code).to.equal('denylist_unavailable');
    expect((error as AuthPasetoError).httpCode).to.equal(503);
    dead.disconnect();
  });
});
