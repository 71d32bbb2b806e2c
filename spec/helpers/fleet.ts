import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FleetEvent, FleetReply, FleetRequest } from './fleet-node';

/** The parent's handle on one fleet-node child process. */
export interface FleetNode {
  /** Sends one request and resolves with its value, or rejects with the node's error text. */
  request(op: FleetRequest['op'], ...args: unknown[]): Promise<unknown>;
  /** Revocations that reached this node's mirror, with the wall time (ms) they arrived. */
  readonly events: FleetEvent[];
  /** Resolves with the first revocation event, received already or to come, that `match` accepts. */
  nextEvent(match: (event: FleetEvent) => boolean): Promise<FleetEvent>;
  stop(): Promise<void>;
}

/** Wall time with sub-millisecond precision, comparable across processes of one machine. */
export const wallClock = (): number => performance.timeOrigin + performance.now();

/** Starts a fleet node holding a RedisDenylist on `port`; resolves once its mirror is loaded. */
export async function startFleetNode(port: number): Promise<FleetNode> {
  const child: ChildProcess = fork(join(__dirname, 'fleet-node.ts'), [String(port)], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  const events: FleetEvent[] = [];
  const waiters = new Set<{ match(event: FleetEvent): boolean; resolve(event: FleetEvent): void }>();
  let nextId = 0;
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`fleet node exited with ${code} before it was ready`)));
    child.on('message', (message: FleetReply | FleetEvent | { event: 'ready' }) => {
      if ('event' in message && message.event === 'ready') return resolve();
      if ('event' in message) {
        events.push(message);
        for (const waiter of waiters) {
          if (waiter.match(message)) {
            waiters.delete(waiter);
            waiter.resolve(message);
          }
        }
        return;
      }
      const call = pending.get(message.id);
      pending.delete(message.id);
      if (message.ok) call?.resolve(message.value);
      else call?.reject(new Error(message.error));
    });
  });
  await ready;
  return {
    events,
    request: (op, ...args) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        child.send({ id, op, args } satisfies FleetRequest);
      }),
    nextEvent: (match) =>
      new Promise((resolve) => {
        const seen = events.find(match);
        if (seen !== undefined) return resolve(seen);
        waiters.add({ match, resolve });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
        child.kill('SIGTERM');
      }),
  };
}

/** Retries `probe` every 10 ms until it resolves truthy, failing after `limitMs`. */
export async function eventually(probe: () => Promise<boolean>, limitMs: number, what: string): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
