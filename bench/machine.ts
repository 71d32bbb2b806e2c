import { fork, type ChildProcess } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';

/** One line saying where and under what load the benchmark ran, printed above its table. */
export function machineLine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
  return `machine: ${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, ${process.platform}/${process.arch}, load average ${load}`;
}

/** Runs `task` repeatedly for about `milliseconds` after a warm-up and returns microseconds per call. */
export async function microsecondsPerCall(task: () => Promise<unknown> | unknown, milliseconds: number): Promise<number> {
  const warmUntil = performance.now() + Math.min(300, milliseconds / 2);
  while (performance.now() < warmUntil) await task();
  let count = 0;
  const start = performance.now();
  const end = start + milliseconds;
  while (performance.now() < end) {
    await task();
    count += 1;
  }
  return ((performance.now() - start) * 1000) / count;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** A TypeScript file of bench/ in a child process of its own, with IPC to talk to it. */
export function forkBench(file: string, env: Record<string, string> = {}, nodeFlags: string[] = []): ChildProcess {
  return fork(`${__dirname}/${file}`, [], {
    execArgv: [...nodeFlags, '-r', 'ts-node/register/transpile-only'],
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** The next IPC message of `child` whose `type` is `type`; rejects if the child exits first. */
export function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type?: string } & T): void => {
      if (message.type !== type) return;
      done();
      resolve(message);
    };
    const onExit = (): void => {
      done();
      reject(new Error(`bench child exited while waiting for '${type}'`));
    };
    const done = (): void => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Sends `message` and waits for the reply of the same type. */
export function ask<T>(child: ChildProcess, message: { type: string } & Record<string, unknown>): Promise<T> {
  const reply = nextMessage<T>(child, message.type);
  child.send(message);
  return reply;
}
