import { RedisDenylist } from '../src/denylist/redis';
import type { Revocation } from '../src/denylist/store';
import { startFleetNode, wallClock, type FleetNode } from '../spec/helpers/fleet';
import { boundedRedisClient, redisServerAvailable, startRedisServer, type RedisServer } from '../spec/helpers/redis-server';
import { row, type Probe, type Row } from './table';

const HOUR = 3_600_000;
const kinds = ['token', 'session', 'subject'] as const;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The id a revocation carries, whatever its kind. */
function revokedId(revocation: Revocation): string {
  return revocation.kind === 'token' ? revocation.jti : revocation.kind === 'session' ? revocation.sessionId : String(revocation.subject);
}

/**
 * Revocation propagation through Redis: the bench process revokes on its own RedisDenylist, and a
 * second process (spec/helpers/fleet-node.ts, a RedisDenylist on its own connection) reports when
 * each revocation reached its mirror (its `onRevocation` feed, the same event that ends live sockets).
 * One revocation at a time, so each delay is latency, not queueing. Both processes stamp wall time
 * with sub-millisecond precision on one machine, so the delays compare across them.
 */
export async function propagationBench(revocationsPerRound: number): Promise<{ probes: Probe[]; skipped: Row[]; stop(): Promise<void> }> {
  const section = `Revocation propagation through Redis: bench process -> second process's mirror, ${revocationsPerRound} revocations per round (token, session, subject interleaved)`;
  if (!redisServerAvailable()) {
    const skipped = row(section, 'propagation (not measured)', 'ms');
    skipped.results.push(Number.NaN);
    skipped.note = 'skipped: redis-server is not on the PATH';
    return { probes: [], skipped: [skipped], stop: async () => undefined };
  }
  const server: RedisServer = await startRedisServer();
  const client = boundedRedisClient(server.port);
  const writer = new RedisDenylist({ client });
  let reader: FleetNode | undefined;
  const stop = async (): Promise<void> => {
    await reader?.stop();
    writer.close();
    client.disconnect();
    await server.stop();
  };
  try {
    await writer.ready();
    reader = await startFleetNode(server.port);
  } catch (error) {
    await stop();
    throw error;
  }
  const node = reader;
  const p50 = row(section, 'p50 (median of the round)', 'ms');
  const p99 = row(section, 'p99', 'ms', p50);
  const max = row(section, 'max', 'ms', p50);
  let serial = 0;
  const revokeOne = async (): Promise<number> => {
    const kind = kinds[serial % kinds.length];
    const id = `bench-${kind}-${serial++}`;
    const arrived = node.nextEvent(({ revocation }) => revokedId(revocation as Revocation) === id);
    const expiresAt = new Date(Date.now() + HOUR);
    const sentAt = wallClock();
    if (kind === 'token') await writer.revoke(id, expiresAt);
    else if (kind === 'session') await writer.revokeSession(id, expiresAt);
    else await writer.revokeSubject(id, Date.now(), expiresAt);
    return (await arrived).at - sentAt;
  };
  // The first deliveries also pay for code each process runs for the first time.
  for (let warmUp = 0; warmUp < 10; warmUp += 1) await revokeOne();
  node.events.length = 0;
  const probe: Probe = {
    rows: [p50, p99, max],
    run: async () => {
      const delays: number[] = [];
      for (let index = 0; index < revocationsPerRound; index += 1) delays.push(await revokeOne());
      node.events.length = 0; // delivered events are matched already: keep the list short
      delays.sort((a, b) => a - b);
      return [percentile(delays, 50), percentile(delays, 99), delays[delays.length - 1]];
    },
  };
  return { probes: [probe], skipped: [], stop };
}
