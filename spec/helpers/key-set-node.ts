import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** A request to a key-set child process over IPC, and its answer. */
export interface NodeRequest {
  id: number;
  op: string;
  args: unknown[];
}
export type NodeReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** The parent's handle on a child process started from spec/helpers/<file>. */
export interface KeySetNode {
  /** The HTTP port the child listens on (127.0.0.1). */
  readonly port: number;
  request(op: string, ...args: unknown[]): Promise<unknown>;
  stop(): Promise<void>;
}

/** Forks `file` (a key-set-issuer / key-set-consumer) and resolves once it listens. */
export async function startKeySetNode(file: string, args: string[]): Promise<KeySetNode> {
  const child: ChildProcess = fork(join(__dirname, file), args, {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 0;
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code} before it listened`)));
    child.on('message', (message: NodeReply | { event: 'listening'; port: number }) => {
      if ('event' in message) return resolve(message.port);
      const call = pending.get(message.id);
      pending.delete(message.id);
      if (message.ok) call?.resolve(message.value);
      else call?.reject(new Error(message.error));
    });
  });
  return {
    port,
    request: (op, ...requestArgs) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        child.send({ id, op, args: requestArgs } satisfies NodeRequest);
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Answers the parent's requests with `answer` (in a child process). */
export function serveRequests(answer: (op: string, args: unknown[]) => unknown): void {
  process.on('message', (request: NodeRequest) => {
    Promise.resolve()
      .then(() => answer(request.op, request.args))
      .then(
        (value) => process.send?.({ id: request.id, ok: true, value } satisfies NodeReply),
        (error: unknown) => process.send?.({ id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies NodeReply),
      );
  });
}
