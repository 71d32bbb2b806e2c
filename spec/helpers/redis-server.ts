import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import Redis from 'ioredis';

/** A redis-server of our own on a free loopback port, for the suites that need one. */
export interface RedisServer {
  port: number;
  stop(): Promise<void>;
  /** Ends the server abruptly (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. */
  pause(): void;
  /** Unfreezes a paused server (SIGCONT). */
  resume(): void;
}

/** True when `redis-server` is on the PATH. */
export function redisServerAvailable(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Skips the suite on a machine without redis-server, and fails it in CI. */
export function requireRedisServer(context: Mocha.Context): void {
  if (redisServerAvailable()) return;
  if (process.env.CI === 'true') throw new Error('redis-server is required in CI: .ci/run installs it (apt-get install redis-server)');
  console.warn('\n  !!! SKIPPING a Redis suite: redis-server is not installed (apt-get install redis-server) !!!\n');
  context.skip();
}

/** An ioredis client configured as docs/fleet.md recommends: bounded, no offline queue, quick reconnection. */
export function boundedRedisClient(port: number): Redis {
  const client = new Redis({ port, host: '127.0.0.1', enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 500, retryStrategy: () => 20 });
  client.on('error', () => undefined);
  return client;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** Port to listen on; default a free one. */
  port?: number;
  /** Persist every write to an append-only file (fsync always) in `dir`, so a restart keeps the data. */
  appendOnlyDir?: string;
}

/**
 * Starts redis-server on 127.0.0.1 (without persistence unless `appendOnlyDir` is given) and waits
 * until it accepts commands.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const persistence = options.appendOnlyDir === undefined ? ['--appendonly', 'no'] : ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', options.appendOnlyDir];
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start within 10 s')), 10_000);
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const exit = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  return {
    port,
    stop: () => exit('SIGTERM'),
    kill: () => exit('SIGKILL'),
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
  };
}
