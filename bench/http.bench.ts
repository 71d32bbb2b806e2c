import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { machineLine } from './machine';

interface BenchServer {
  child: ChildProcess;
  port: number;
  tokens: string[];
}

type ServerMode = 'paseto' | 'paseto-no-cache' | 'trivial';

const ROUNDS = 5;
const SECONDS = 4;

async function startServer(mode: ServerMode): Promise<BenchServer> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', `${__dirname}/http-server.ts`], {
    env: { ...process.env, BENCH_MODE: mode, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // The first line (over 64 KiB with 1000 tokens, so read as a line, not one chunk).
  const [line] = (await once(createInterface({ input: child.stdout as NodeJS.ReadableStream }), 'line')) as [string];
  const { port, tokens } = JSON.parse(line) as { port: number; tokens: string[] };
  return { child, port, tokens };
}

/** Requests per second of GET `url`, each request with the next of `tokens` (none: no header). */
async function requestsPerSecond(url: string, tokens: readonly string[]): Promise<number> {
  let next = 0;
  const result = await autocannon({
    url,
    connections: 20,
    duration: SECONDS,
    // Every request carries a bearer token (also the baseline's, so request size is not measured).
    requests: [{ setupRequest: (request) => ({ ...request, headers: { ...request.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` } }) }],
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Requests per second of one express + routing-controllers route without auth (the baseline);
 * with `@Authorized()` and a checker that always says yes (routing-controllers' own guard cost);
 * with our checker and the verified-token cache (the default), for one user and for 1000 users
 * (1000 distinct tokens, each verified once and then served from the cache); and with verification
 * on every request (cache off). Interleaved in rounds so drift on a shared machine hits all alike;
 * the median of the rounds is reported with the lowest and highest.
 */
export async function main(): Promise<void> {
  console.log(machineLine());
  console.log(`HTTP: GET with a valid v4.local bearer token, 20 connections, ${SECONDS} s per measurement, ${ROUNDS} rounds interleaved; server in its own process`);
  const cached = await startServer('paseto');
  const naive = await startServer('paseto-no-cache');
  const trivial = await startServer('trivial');
  const one = (server: BenchServer): string[] => server.tokens.slice(0, 1);
  const rows: Array<{ name: string; measure: () => Promise<number>; results: number[] }> = [
    { name: 'no auth (baseline)', measure: () => requestsPerSecond(`http://127.0.0.1:${cached.port}/open`, one(cached)), results: [] },
    { name: '@Authorized(), async checker always true', measure: () => requestsPerSecond(`http://127.0.0.1:${trivial.port}/secure`, one(trivial)), results: [] },
    { name: '@Authorized(), paseto (default), 1 user', measure: () => requestsPerSecond(`http://127.0.0.1:${cached.port}/secure`, one(cached)), results: [] },
    { name: '@Authorized(), paseto (default), 1000 users', measure: () => requestsPerSecond(`http://127.0.0.1:${cached.port}/secure`, cached.tokens), results: [] },
    { name: '@Authorized(), paseto, cache off', measure: () => requestsPerSecond(`http://127.0.0.1:${naive.port}/secure`, naive.tokens), results: [] },
  ];
  try {
    for (let round = 0; round < ROUNDS; round += 1) for (const row of rows) row.results.push(await row.measure());
  } finally {
    for (const server of [cached, naive, trivial]) server.child.kill('SIGTERM');
  }
  const baseline = median(rows[0].results);
  for (const row of rows) {
    const value = median(row.results);
    const spread = `${Math.min(...row.results).toFixed(0)}–${Math.max(...row.results).toFixed(0)}`;
    console.log(`  ${row.name.padEnd(44)} ${value.toFixed(0).padStart(7)} req/s (${spread.padStart(11)})  ${(value / baseline).toFixed(2)}x of baseline`);
  }
}

if (require.main === module) void main();
