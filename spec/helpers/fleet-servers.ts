import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FleetServerReply, FleetServerRequest } from './fleet-server';

/** The parent's handle on one fleet-server child process (the demo on a shared RedisDenylist). */
export interface FleetServer {
  /** Where the server listens, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Sends one request; resolves with its value, or rejects with an Error carrying the node's error `code`. */
  request(op: FleetServerRequest['op'], ...args: unknown[]): Promise<unknown>;
  /** True while the process runs (a crash would make it false). */
  alive(): boolean;
  stop(): Promise<void>;
}

/** Starts a fleet server on the Redis at `redisPort` with `secretKey` (shared by the fleet); resolves once it listens. */
export async function startFleetServer(redisPort: number, secretKey: string): Promise<FleetServer> {
  const child: ChildProcess = fork(join(__dirname, 'fleet-server.ts'), [String(redisPort), secretKey], {
    execArgv: ['-r', 'ts-node/register/transpile-only', '-r', 'reflect-metadata'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 0;
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`fleet server exited with ${code} before it was ready`)));
    child.on('message', (message: FleetServerReply | { event: 'ready'; url: string }) => {
      if ('event' in message) return resolve(message.url);
      const call = pending.get(message.id);
      pending.delete(message.id);
      if (message.ok) call?.resolve(message.value);
      else call?.reject(Object.assign(new Error(message.error), { code: message.code }));
    });
  });
  return {
    url,
    request: (op, ...args) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        child.send({ id, op, args } satisfies FleetServerRequest);
      }),
    alive: () => child.exitCode === null && child.signalCode === null,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
        setTimeout(() => child.kill('SIGTERM'), 1000).unref();
      }),
  };
}
