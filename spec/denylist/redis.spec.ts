import { inspect } from 'node:util';
import { expect } from 'chai';
import Redis from 'ioredis';
import { RedisDenylist, RedisDenylistError, type RedisDenylistOptions } from '../../src/denylist/redis';
import type { Revocation, RevocableToken } from '../../src/denylist/store';
import { PasetoAuthService } from '../../src/service';
import { AuthPasetoError, PasetoConfigError } from '../../src/errors';
import { boundedRedisClient, requireRedisServer, startRedisServer, type RedisServer } from '../helpers/redis-server';
import { eventually } from '../helpers/fleet';
import { LOCAL_KEY } from '../helpers/keys';

const HOUR = 3_600_000;

const token = (jti: string, claims: Record<string, unknown> = {}): RevocableToken => ({ jti, type: 'access', expiresAt: null, claims });
const inAnHour = (): Date => new Date(Date.now() + HOUR);

/** Resolves with the first revocation `store` reports that `match` accepts. */
function nextRevocation(store: RedisDenylist, match: (revocation: Revocation) => boolean): Promise<Revocation> {
  return new Promise((resolve) => {
    const stop = store.onRevocation((revocation) => {
      if (!match(revocation)) return;
      stop();
      resolve(revocation);
    });
  });
}

describe('RedisDenylist (a real redis-server on loopback)', function () {
  let server: RedisServer;
  let client: Redis;
  const stores: RedisDenylist[] = [];
  let prefixes = 0;

  /** A store on its own connection and its own key prefix (one test cannot see another's revocations). */
  function makeStore({ on, ...options }: Omit<RedisDenylistOptions, 'client'> & { on?: Redis } = {}): RedisDenylist {
    const store = new RedisDenylist({ client: on ?? client, prefix: `test${prefixes}:`, ...options });
    stores.push(store);
    return store;
  }

  before(async function () {
    requireRedisServer(this);
    server = await startRedisServer();
    client = boundedRedisClient(server.port);
    await eventually(async () => client.status === 'ready', 5_000, 'the client is connected');
  });

  beforeEach(() => (prefixes += 1));

  after(async () => {
    for (const store of stores) store.close();
    client?.disconnect();
    await server?.stop();
  });

  it('shares revocations between two services, each on its own connection', async () => {
    const other = boundedRedisClient(server.port);
    try {
      const [one, two] = [makeStore(), makeStore({ on: other })];
      await Promise.all([one.ready(), two.ready()]);
      const options = { secretKey: LOCAL_KEY, denylistEnabled: true };
      const first = new PasetoAuthService({ ...options, denylist: one });
      const second = new PasetoAuthService({ ...options, denylist: two });
      const created = await first.createAccessToken({ subject: 'a' });
      expect((await second.verifyToken(created)).subject).to.equal('a');
      const verified = await first.verifyToken(created);
      const arrived = nextRevocation(two, (revocation) => revocation.kind === 'token' && revocation.jti === verified.jti);
      await first.revokeToken(created);
      // The writer's own mirror has it at once; the other's when the message arrives.
      expect(one.isRevoked(verified)).to.equal(true);
      await arrived;
      const error = await second.verifyToken(created).catch((caught: unknown) => caught);
      expect((error as AuthPasetoError).code).to.equal('token_revoked');
    } finally {
      other.disconnect();
    }
  });

  it('loads the live revocations of every kind when it starts', async () => {
    const writer = makeStore();
    await writer.ready();
    await writer.revoke('j1', inAnHour());
    await writer.revokeSession('s1', null);
    await writer.revokeSubject(7, 5_000, inAnHour());
    const late = makeStore();
    expect(() => late.isRevoked(token('j1'))).to.throw(RedisDenylistError, /not loaded/);
    await late.ready();
    expect(late.isRevoked(token('j1'))).to.equal(true);
    expect(late.isRevoked(token('x', { sid: 's1' }))).to.equal(true);
    expect(late.isRevoked({ ...token('y'), subject: 7, issuedAtMs: 5_000 })).to.equal(true);
    expect(late.isRevoked({ ...token('y'), subject: 7, issuedAtMs: 5_001 })).to.equal(false);
    expect(late.isRevoked(token('other'))).to.equal(false);
  });

  it('propagates session and subject revocations, at millisecond precision, to another store', async () => {
    const [one, two] = [makeStore(), makeStore()];
    await Promise.all([one.ready(), two.ready()]);
    const cutOff = Date.parse('2026-01-01T00:00:00.500Z');
    const arrived = Promise.all([
      nextRevocation(two, (revocation) => revocation.kind === 'session'),
      nextRevocation(two, (revocation) => revocation.kind === 'subject'),
    ]);
    await one.revokeSession('s-1', inAnHour());
    await one.revokeSubject('alice', cutOff, inAnHour());
    expect(await arrived).to.deep.equal([
      { kind: 'session', sessionId: 's-1' },
      { kind: 'subject', subject: 'alice', issuedUpToMs: cutOff },
    ]);
    expect(two.isRevoked(token('a', { sid: 's-1' }))).to.equal(true);
    expect(two.isRevoked(token('b', { sub: 'alice', iat: '2026-01-01T00:00:00.500Z' }))).to.equal(true);
    expect(two.isRevoked(token('c', { sub: 'alice', iat: '2026-01-01T00:00:00.501Z' }))).to.equal(false);
  });

  it('keeps an entry through its expiresAt, then drops it from the mirror and from Redis', async () => {
    let now = Date.now();
    const store = makeStore({ clock: { now: () => now } });
    await store.ready();
    const until = now + 60_000;
    await store.revoke('short', new Date(until));
    await store.revoke('never', null);
    await store.revoke('past', new Date(now - 1_000));
    expect(await client.zscore(`test${prefixes}:tokens`, 'short')).to.equal(String(until));
    expect(await client.zscore(`test${prefixes}:tokens`, 'never')).to.equal('inf');
    expect(await client.zscore(`test${prefixes}:tokens`, 'past')).to.equal(null);
    now = until;
    expect(store.isRevoked(token('short'))).to.equal(true);
    now = until + 1;
    expect(store.isRevoked(token('short'))).to.equal(false);
    expect(store.isRevoked(token('never'))).to.equal(true);
    // Redis drops what has expired by its own clock whenever a revocation is written.
    await client.zadd(`test${prefixes}:tokens`, Date.now() - 1, 'expired');
    await store.revoke('another', null);
    expect(await client.zscore(`test${prefixes}:tokens`, 'expired')).to.equal(null);
  });

  it('spends a refresh-token id once among 50 parallel spends on two connections', async () => {
    const other = boundedRedisClient(server.port);
    try {
      const [one, two] = [makeStore(), makeStore({ on: other })];
      await Promise.all([one.ready(), two.ready()]);
      const expiresAt = inAnHour();
      const answers = await Promise.all(Array.from({ length: 50 }, (_, index) => (index % 2 === 0 ? one : two).spend('r-1', expiresAt)));
      expect(answers.filter((answer) => answer)).to.have.length(1);
      const ttl = await client.pttl(`test${prefixes}:spent:r-1`);
      expect(ttl).to.be.within(HOUR - 60_000, HOUR + 1);
      expect(await one.spend('gone', new Date(Date.now() - 1_000))).to.equal(false);
    } finally {
      other.disconnect();
    }
  });

  it('fails closed with denylist_unavailable (503) when Redis is unreachable, and rejects writes at once', async () => {
    const dead = new Redis({ port: 1, host: '127.0.0.1', lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    dead.on('error', () => undefined);
    const store = makeStore({ on: dead });
    const auth = new PasetoAuthService({ secretKey: LOCAL_KEY, denylistEnabled: true, denylist: store });
    const created = await auth.createAccessToken({ subject: 'a' });
    const error = await auth.verifyToken(created).catch((caught: unknown) => caught);
    expect((error as AuthPasetoError).code).to.equal('denylist_unavailable');
    expect((error as AuthPasetoError).httpCode).to.equal(503);
    expect(await store.revoke('x', null).catch((caught: unknown) => caught)).to.be.instanceOf(RedisDenylistError);
    const refused = await store.spend('x', null).catch((caught: unknown) => caught);
    expect(refused).to.be.instanceOf(RedisDenylistError);
    store.close();
    expect(await store.ready().catch((caught: unknown) => caught)).to.be.instanceOf(RedisDenylistError);
    dead.disconnect();
  });

  it('reloads from Redis after its subscription drops, so a message missed meanwhile is not lost', async () => {
    const store = makeStore();
    await store.ready();
    const reported = nextRevocation(store, (revocation) => revocation.kind === 'session' && revocation.sessionId === 'missed');
    // A revocation whose message this store never receives: written to Redis without publishing.
    await client.zadd(`test${prefixes}:sessions`, 'inf', 'missed');
    expect(store.isRevoked(token('a', { sid: 'missed' }))).to.equal(false);
    await client.client('KILL', 'TYPE', 'pubsub');
    await reported;
    expect(store.isRevoked(token('a', { sid: 'missed' }))).to.equal(true);
    store.close();
    expect(() => store.isRevoked(token('a'))).to.throw(RedisDenylistError, /closed/);
  });

  it('refuses bad options when it is constructed, naming the option', () => {
    expect(() => new RedisDenylist({ client: {} as never })).to.throw(PasetoConfigError, /RedisDenylist\.client/);
    expect(() => makeStore({ maxStalenessMs: 0 })).to.throw(PasetoConfigError, /maxStalenessMs/);
    expect(() => makeStore({ commandTimeoutMs: 1.5 })).to.throw(PasetoConfigError, /commandTimeoutMs/);
  });

  it('shows no revoked ids to inspect or JSON', async () => {
    const store = makeStore();
    await store.ready();
    await store.revoke('secret-jti', null);
    expect(inspect(store, { showHidden: true, depth: 5 })).not.to.contain('secret-jti');
    expect(JSON.stringify(store)).not.to.contain('secret-jti');
  });
});

describe('RedisDenylist faults (a redis-server of its own, frozen)', function () {
  let server: RedisServer;

  before(async function () {
    requireRedisServer(this);
    server = await startRedisServer();
  });

  after(async () => {
    server?.resume();
    await server?.stop();
  });

  it('a revocation that timed out on a frozen Redis never takes effect, even with an offline queue', async () => {
    // A default ioredis client: offline queue on, unfulfilled commands resent on reconnection.
    const client = new Redis({ port: server.port, host: '127.0.0.1' });
    client.on('error', () => undefined);
    const observer = boundedRedisClient(server.port);
    let now = Date.now();
    const store = new RedisDenylist({ client, prefix: 'frozen:', commandTimeoutMs: 300, maxStalenessMs: 1000, clock: { now: () => now } });
    try {
      await store.ready();
      await store.revoke('before', null);
      server.pause();
      const error = await store.revoke('during', null).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(RedisDenylistError);
      expect((error as Error).message).to.match(/did not answer EVAL within 300 ms/);
      // The heartbeat finds Redis silent: the mirror is trusted for maxStalenessMs, then checks fail closed.
      expect(store.isRevoked(token('before'))).to.equal(true);
      now += 1001;
      await eventually(async () => {
        try {
          store.isRevoked(token('before'));
          return false;
        } catch (caught) {
          return caught instanceof RedisDenylistError;
        }
      }, 5_000, 'the mirror is stale');
      server.resume();
      // The queued script has run by the time a later command on the same connection answers.
      await client.ping();
      expect(await observer.zscore('frozen:tokens', 'during')).to.equal(null);
      expect(await observer.zscore('frozen:tokens', 'before')).to.equal('inf');
      await eventually(async () => store.isRevoked(token('before')), 5_000, 'the store has resynchronised');
      expect(store.isRevoked(token('during'))).to.equal(false);
    } finally {
      server.resume();
      store.close();
      client.disconnect();
      observer.disconnect();
    }
  });
});
