/**
 * One node of a test fleet, run as a child process: a RedisDenylist on its own ioredis client,
 * driven by its parent over IPC (see fleet.ts). Its clock is the system clock plus an offset the
 * parent can move, to drive staleness without waiting.
 */
import Redis from 'ioredis';
import { RedisDenylist } from '../../src/denylist/redis';
import type { RevocableToken } from '../../src/denylist/store';

export interface FleetRequest {
  id: number;
  op: 'isRevoked' | 'revoke' | 'revokeSession' | 'revokeSubject' | 'spend' | 'advanceClock';
  args: unknown[];
}

export type FleetReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** Sent unprompted: a revocation reached this node's mirror, at `at` (ms, sub-millisecond wall time). */
export interface FleetEvent {
  event: 'revocation';
  revocation: unknown;
  at: number;
}

const port = Number(process.argv[2]);
let clockOffsetMs = 0;
const client = new Redis({
  port,
  host: '127.0.0.1',
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  connectTimeout: 500,
  retryStrategy: () => 50,
});
client.on('error', () => undefined);
const store = new RedisDenylist({ client, maxStalenessMs: 2000, commandTimeoutMs: 1000, clock: { now: () => Date.now() + clockOffsetMs } });
const wallClock = (): number => performance.timeOrigin + performance.now();
const expiry = (ms: unknown): Date | null => (typeof ms === 'number' ? new Date(ms) : null);

store.onRevocation((revocation) => process.send?.({ event: 'revocation', revocation, at: wallClock() } satisfies FleetEvent));

async function answer(request: FleetRequest): Promise<unknown> {
  const [a, b, c] = request.args;
  switch (request.op) {
    case 'isRevoked':
      return store.isRevoked(a as RevocableToken);
    case 'revoke':
      return store.revoke(a as string, expiry(b));
    case 'revokeSession':
      return store.revokeSession(a as string, expiry(b));
    case 'revokeSubject':
      return store.revokeSubject(a as string, b as number, expiry(c));
    case 'spend':
      return store.spend(a as string, expiry(b));
    case 'advanceClock':
      clockOffsetMs += a as number;
      return clockOffsetMs;
  }
}

process.on('message', (request: FleetRequest) => {
  Promise.resolve()
    .then(() => answer(request))
    .then(
      (value) => process.send?.({ id: request.id, ok: true, value: value ?? null } satisfies FleetReply),
      (error: unknown) => process.send?.({ id: request.id, ok: false, error: String(error) } satisfies FleetReply),
    );
});
process.on('disconnect', () => {
  store.close();
  client.disconnect();
});

void store.ready().then(() => process.send?.({ event: 'ready' }));
