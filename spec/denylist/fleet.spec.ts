import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { RevocableToken } from '../../src/denylist/store';
import { eventually, startFleetNode, wallClock, type FleetNode } from '../helpers/fleet';
import { requireRedisServer, startRedisServer, type RedisServer } from '../helpers/redis-server';

const HOUR = 3_600_000;
const token = (jti: string, claims: Record<string, unknown> = {}): RevocableToken => ({ jti, type: 'access', expiresAt: null, claims });

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** True when the node refuses to answer (fails closed); false when it answers either way. */
async function failsClosed(node: FleetNode, checked: RevocableToken): Promise<boolean> {
  return node.request('isRevoked', checked).then(
    () => false,
    (error: Error) => /RedisDenylistError/.test(error.message),
  );
}

describe('RedisDenylist fleet: three processes sharing one redis-server (append-only)', function () {
  this.timeout(60_000);
  let server: RedisServer;
  let dataDir: string;
  let nodes: FleetNode[] = [];

  before(async function () {
    requireRedisServer(this);
    dataDir = mkdtempSync(join(tmpdir(), 'paseto-fleet-'));
    server = await startRedisServer({ appendOnlyDir: dataDir });
    nodes = await Promise.all([0, 1, 2].map(() => startFleetNode(server.port)));
  });

  after(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('propagates token, session and subject revocations from one node to the other two (prints p50/p99)', async () => {
    const delays: number[] = [];
    const expiresAt = Date.now() + HOUR;
    const warmUp = 3; // the first deliveries also pay for code each process runs for the first time
    for (let round = 0; round < 30 + warmUp; round++) {
      const writer = nodes[round % 3];
      const readers = nodes.filter((node) => node !== writer);
      const kind = (['token', 'session', 'subject'] as const)[round % 3];
      const id = `${kind}-${round}`;
      const arrived = readers.map((reader) =>
        reader.nextEvent(({ revocation }) => {
          const seen = revocation as { jti?: string; sessionId?: string; subject?: string };
          return (seen.jti ?? seen.sessionId ?? seen.subject) === id;
        }),
      );
      const sentAt = wallClock();
      if (kind === 'token') await writer.request('revoke', id, expiresAt);
      else if (kind === 'session') await writer.request('revokeSession', id, expiresAt);
      else await writer.request('revokeSubject', id, Date.parse('2026-01-01T00:00:00.500Z'), expiresAt);
      for (const event of await Promise.all(arrived)) if (round >= warmUp) delays.push(event.at - sentAt);
      const checked =
        kind === 'token' ? token(id) : kind === 'session' ? token('t', { sid: id }) : token('t', { sub: id, iat: '2026-01-01T00:00:00.500Z' });
      for (const reader of readers) expect(await reader.request('isRevoked', checked)).to.equal(true);
      if (kind === 'subject') {
        const later = token('t', { sub: id, iat: '2026-01-01T00:00:00.501Z' });
        for (const reader of readers) expect(await reader.request('isRevoked', later)).to.equal(false);
      }
    }
    delays.sort((a, b) => a - b);
    const [p50, p99] = [percentile(delays, 50), percentile(delays, 99)];
    console.log(`      propagation to the other nodes over ${delays.length} deliveries after warm-up: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`);
    expect(p99).to.be.below(2_000);
  });

  it('spends one refresh-token id exactly once among 50 parallel spends on three processes', async () => {
    const expiresAt = Date.now() + HOUR;
    const answers = await Promise.all(Array.from({ length: 50 }, (_, index) => nodes[index % 3].request('spend', 'refresh-1', expiresAt)));
    expect(answers.filter((answer) => answer === true)).to.have.length(1);
    expect(answers.filter((answer) => answer === false)).to.have.length(49);
  });

  it('fails closed when redis-server dies, refuses revocations, and resumes after a restart with no node restarted', async () => {
    const expiresAt = Date.now() + HOUR;
    await nodes[0].request('revoke', 'before-crash', expiresAt);
    await Promise.all(nodes.slice(1).map((node) => node.nextEvent(({ revocation }) => (revocation as { jti?: string }).jti === 'before-crash')));

    await server.kill();
    // Writes are refused, not queued: the caller knows the revocation did not happen.
    await eventually(async () => (await nodes[1].request('revoke', 'while-down', expiresAt).then(() => false, () => true)), 5_000, 'a revocation is refused');
    // Within maxStalenessMs the mirror still answers; past it, every check fails closed.
    for (const node of nodes) expect(await node.request('isRevoked', token('before-crash'))).to.equal(true);
    await Promise.all(nodes.map((node) => node.request('advanceClock', 2_001)));
    for (const node of nodes) await eventually(() => failsClosed(node, token('never-revoked')), 5_000, 'checks fail closed');
    for (const node of nodes) expect(await failsClosed(node, token('before-crash'))).to.equal(true);

    server = await startRedisServer({ port: server.port, appendOnlyDir: dataDir });
    for (const node of nodes) await eventually(async () => (await node.request('isRevoked', token('before-crash'))) === true, 10_000, 'the node has resynchronised');
    for (const node of nodes) expect(await node.request('isRevoked', token('while-down'))).to.equal(false);

    // The append-only file kept the revocation: a node started now loads it from Redis.
    const newcomer = await startFleetNode(server.port);
    nodes.push(newcomer);
    expect(await newcomer.request('isRevoked', token('before-crash'))).to.equal(true);
    expect(await newcomer.request('isRevoked', token('while-down'))).to.equal(false);

    // And revocations flow again between the nodes that lived through the outage.
    const arrived = nodes[0].nextEvent(({ revocation }) => (revocation as { jti?: string }).jti === 'after-restart');
    await nodes[2].request('revoke', 'after-restart', expiresAt);
    await arrived;
    expect(await nodes[0].request('isRevoked', token('after-restart'))).to.equal(true);
  });
});
