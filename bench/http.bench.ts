import type { ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import { startRedisServer, redisServerAvailable, type RedisServer } from '../spec/helpers/redis-server';
import { ask, forkBench, nextMessage } from './machine';
import { row, type Probe, type Row } from './table';

/** Connections of every HTTP row (kept alive: autocannon reuses them). */
export const HTTP_CONNECTIONS = 20;

interface Ready {
  ports: Record<string, number>;
  tokens: { local: string[]; public: string[]; jwt: string[]; forged: string[]; oversize: string[] };
}

interface HttpRun {
  responses: number;
  requestsPerSecond: number;
  /** Responses by status class, to refuse a row whose requests did not get the expected answer. */
  ok: number;
  non2xx: number;
  errors: number;
}

/** Requests per second of GET `url`, each request with the next of `tokens` as its bearer token. */
async function load(url: string, tokens: readonly string[], seconds: number): Promise<HttpRun> {
  let next = 0;
  const result = await autocannon({
    url,
    connections: HTTP_CONNECTIONS,
    duration: seconds,
    // Every request of every row carries an Authorization header, the baseline's too.
    requests: [{ setupRequest: (request) => ({ ...request, headers: { ...request.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` } }) }],
  });
  return { responses: result['2xx'] + result.non2xx, requestsPerSecond: result.requests.average, ok: result['2xx'], non2xx: result.non2xx, errors: result.errors };
}

export interface HttpBench {
  probes: Probe[];
  stop(): Promise<void>;
}

/**
 * The HTTP rows: one server process (bench/http-server.ts) with an app per configuration, the
 * load generator here. Every row: GET, 20 keep-alive connections, a bearer token on every
 * request, the same handler; its value is requests per second, its ratio to the no-auth route.
 */
export async function httpBench(seconds: number): Promise<HttpBench> {
  const redis: RedisServer | undefined = redisServerAvailable() ? await startRedisServer() : undefined;
  const server: ChildProcess = forkBench('http-server.ts', redis ? { BENCH_REDIS_PORT: String(redis.port) } : {});
  const { ports, tokens } = await nextMessage<Ready>(server, 'ready');
  const connectionsOf = async (app: string): Promise<number> => (await ask<{ connections: Record<string, number> }>(server, { type: 'stats' })).connections[app];

  const section = `HTTP: express 4 + routing-controllers, GET with a bearer token, ${HTTP_CONNECTIONS} keep-alive connections, ${seconds} s per measurement`;
  const baseline = row(section, 'no auth (same route, no guard)', 'req/s');
  const probe = (target: Row, app: string, path: string, rowTokens: readonly string[], expect: 'ok' | 'refused' = 'ok'): Probe => ({
    rows: [target],
    run: async () => {
      const run = await load(`http://127.0.0.1:${ports[app]}${path}`, rowTokens, seconds);
      const wrong = expect === 'ok' ? run.non2xx : run.ok;
      if (wrong > 0 || run.errors > 0) throw new Error(`${target.name}: ${run.ok} 2xx, ${run.non2xx} non-2xx, ${run.errors} errors`);
      return [run.requestsPerSecond];
    },
  });
  /** A flood of refused tokens: also counts the connections the server accepted against the responses. */
  const flood = (target: Row, rowTokens: readonly string[]): Probe => {
    let opened = 0;
    let responses = 0;
    return {
      rows: [target],
      run: async () => {
        const before = await connectionsOf('local');
        const run = await load(`http://127.0.0.1:${ports.local}/secure`, rowTokens, seconds);
        if (run.ok > 0 || run.errors > 0) throw new Error(`${target.name}: ${run.ok} 2xx, ${run.errors} errors`);
        opened += (await connectionsOf('local')) - before;
        responses += run.responses;
        target.note = `${opened.toLocaleString('en-US')} connections opened for ${responses.toLocaleString('en-US')} 401s`;
        return [run.requestsPerSecond];
      },
    };
  };
  const one = (list: readonly string[]): string[] => list.slice(0, 1);
  // Warm every app (JIT, connection pools) so the first row measured is not the only cold one.
  for (const app of Object.keys(ports)) await load(`http://127.0.0.1:${ports[app]}/open`, one(tokens.local), 0.5);
  const probes: Probe[] = [
    probe(baseline, 'local', '/open', one(tokens.local)),
    probe(row(section, "routing-controllers' guard, checker always true", 'req/s', baseline), 'trivial', '/secure', one(tokens.local)),
    probe(row(section, 'ours default (v4.local, cache on), 1 token', 'req/s', baseline), 'local', '/secure', one(tokens.local)),
    probe(row(section, `ours default, ${tokens.local.length.toLocaleString('en-US')} tokens (default cache size)`, 'req/s', baseline), 'local', '/secure', tokens.local),
    probe(row(section, `ours, ${tokens.local.length.toLocaleString('en-US')} tokens, 20 000-entry cache`, 'req/s', baseline), 'local-20k', '/secure', tokens.local),
    probe(row(section, 'ours v4.local, cache off', 'req/s', baseline), 'local-uncached', '/secure', tokens.local),
    probe(row(section, 'ours v4.public, cache on, 1 token', 'req/s', baseline), 'public', '/secure', one(tokens.public)),
    probe(row(section, 'ours v4.public, cache off', 'req/s', baseline), 'public-uncached', '/secure', tokens.public),
    probe(row(section, "express-jwt, README config (string secret)", 'req/s', baseline), 'jwt-string', '/secure', tokens.jwt),
    probe(row(section, 'express-jwt, createSecretKey KeyObject', 'req/s', baseline), 'jwt-keyobject', '/secure', tokens.jwt),
  ];
  if (ports.redis !== undefined) {
    // RedisDenylist answers from its local mirror (kept by pub/sub): no round trip per request.
    probes.push(probe(row(section, 'ours default + RedisDenylist (mirror, real redis-server)', 'req/s', baseline), 'redis', '/secure', one(tokens.local)));
  }
  probes.push(flood(row(section, '401 flood: forged v4.local tokens (other key)', 'req/s', baseline), tokens.forged));
  probes.push(flood(row(section, `401 flood: oversize forged token (${tokens.oversize[0].length.toLocaleString('en-US')} chars)`, 'req/s', baseline), tokens.oversize));
  return {
    probes,
    stop: async () => {
      server.kill('SIGTERM');
      await redis?.stop();
    },
  };
}
