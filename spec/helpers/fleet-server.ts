/**
 * One server of a test fleet, run as a child process: the demo (express + routing-controllers +
 * socket.io) on a free loopback port, its service on a RedisDenylist shared with the other
 * servers, driven by its parent over IPC (see fleet-servers.ts). Its clock is the system clock
 * plus an offset the parent can move, to drive staleness without waiting.
 */
import Redis from 'ioredis';
import { RedisDenylist } from '../../src/denylist/redis';
import { createDemoApp } from '../../demo/server';

export interface FleetServerRequest {
  id: number;
  op: 'revokeToken' | 'revokeSession' | 'revokeSubject' | 'advanceClock' | 'liveSessions';
  args: unknown[];
}

export type FleetServerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string; code?: string };

const [port, secretKey] = [Number(process.argv[2]), process.argv[3]];
let clockOffsetMs = 0;
const clock = { now: () => Date.now() + clockOffsetMs };
const client = new Redis({ port, host: '127.0.0.1', enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 500, retryStrategy: () => 20 });
client.on('error', () => undefined);
const denylist = new RedisDenylist({ client, maxStalenessMs: 2000, commandTimeoutMs: 500, clock });
const demo = createDemoApp({ env: { PASETO_SECRET_KEY: secretKey }, paseto: { denylist, clock }, log: () => undefined });

async function answer(request: FleetServerRequest): Promise<unknown> {
  const [a] = request.args;
  switch (request.op) {
    case 'revokeToken':
      return demo.auth.revokeToken(a as string);
    case 'revokeSession':
      return demo.auth.revokeSession(a as string);
    case 'revokeSubject':
      return demo.auth.revokeSubject(a as string);
    case 'advanceClock':
      clockOffsetMs += a as number;
      return clockOffsetMs;
    case 'liveSessions':
      return demo.io.of('/').sockets.size;
  }
}

process.on('message', (request: FleetServerRequest) => {
  Promise.resolve()
    .then(() => answer(request))
    .then(
      (value) => process.send?.({ id: request.id, ok: true, value: value ?? null } satisfies FleetServerReply),
      (error: unknown) =>
        process.send?.({ id: request.id, ok: false, error: String(error), code: (error as { code?: string }).code } satisfies FleetServerReply),
    );
});
process.on('disconnect', () => {
  void demo.close().finally(() => {
    denylist.close();
    client.disconnect();
  });
});

void denylist
  .ready()
  .then(() => demo.listen(0, '127.0.0.1'))
  .then((httpPort) => process.send?.({ event: 'ready', url: `http://127.0.0.1:${httpPort}` }));
