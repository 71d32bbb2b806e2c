import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import autocannon from 'autocannon';
import { machineLine } from './machine';

interface BenchServer {
  child: ChildProcess;
  port: number;
  token: string;
}

type ServerMode = 'paseto' | 'paseto-no-cache' | 'trivial';

async function startServer(mode: ServerMode): Promise<BenchServer> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', `${__dirname}/http-server.ts`], {
    env: { ...process.env, BENCH_MODE: mode, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  const { port, token } = JSON.parse(line.toString()) as { port: number; token: string };
  return { child, port, token };
}

async function requestsPerSecond(url: string, headers: Record<string, string>): Promise<number> {
  const result = await autocannon({ url, headers, connections: 20, duration: 4 });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

/**
 * Requests per second of one express + routing-controllers route without auth (the baseline);
 * with `@Authorized()` and a checker that always says yes (routing-controllers' own guard cost);
 * with our checker and the verified-token cache (the default); and with verification on every
 * request (cache off). Interleaved in rounds so drift on a shared machine hits all alike.
 */
export async function main(): Promise<void> {
  console.log(machineLine());
  console.log('HTTP: GET with a valid v4.local token, 20 connections, 4 s per measurement, 3 rounds; server in its own process');
  const cached = await startServer('paseto');
  const naive = await startServer('paseto-no-cache');
  const trivial = await startServer('trivial');
  const totals = { open: 0, trivial: 0, cached: 0, naive: 0 };
  const bearer = (server: BenchServer): Record<string, string> => ({ authorization: `Bearer ${server.token}` });
  try {
    for (let round = 0; round < 3; round += 1) {
      // The baseline sends the same header, so request size is not what is measured.
      totals.open += await requestsPerSecond(`http://127.0.0.1:${cached.port}/open`, bearer(cached));
      totals.trivial += await requestsPerSecond(`http://127.0.0.1:${trivial.port}/secure`, bearer(trivial));
      totals.cached += await requestsPerSecond(`http://127.0.0.1:${cached.port}/secure`, bearer(cached));
      totals.naive += await requestsPerSecond(`http://127.0.0.1:${naive.port}/secure`, bearer(naive));
    }
  } finally {
    for (const server of [cached, naive, trivial]) server.child.kill('SIGTERM');
  }
  const line = (name: string, total: number): string => `  ${name.padEnd(44)} ${(total / 3).toFixed(0).padStart(7)} req/s  ${(total / totals.open).toFixed(2)}x of baseline`;
  console.log(line('no auth (baseline)', totals.open));
  console.log(line('@Authorized(), checker always true', totals.trivial));
  console.log(line('@Authorized(), verified-token cache (default)', totals.cached));
  console.log(line('@Authorized(), verification on every request', totals.naive));
}

if (require.main === module) void main();
