import type { ChildProcess } from 'node:child_process';
import { ask, forkBench, nextMessage } from './machine';
import { row, type Probe, type Row } from './table';

interface Ready {
  ports: Record<string, number>;
  token: string;
}
interface Read {
  seconds: number;
  cpuMicroseconds: number;
  handshakes: Record<string, number>;
  events: Record<string, number>;
}

/** Client processes generating handshakes, and sockets in flight per client. */
const CLIENTS = Number(process.env.BENCH_SOCKET_CLIENTS ?? 3);
const CONCURRENCY = 16;
/** Sockets held open for the heap-per-socket rows. */
export const HELD_SOCKETS = 2000;

export interface SocketBench {
  probes: Probe[];
  /** Heap per live socket, measured once (not in rounds): it does not drift with load. */
  memoryRows(section: string): Promise<Row[]>;
  stop(): void;
}

/**
 * The Socket.IO rows: a server process (bench/socket-server.ts, --expose-gc) with a server per
 * configuration, and CLIENTS client processes (bench/socket-client.ts) opening and closing
 * sockets as fast as they can. Completed handshakes per second and the server's CPU time per
 * handshake (process.cpuUsage in the server), each with its ratio to the server without middleware.
 */
export async function socketBench(seconds: number): Promise<SocketBench> {
  const server: ChildProcess = forkBench('socket-server.ts', {}, ['--expose-gc']);
  const clients: ChildProcess[] = Array.from({ length: CLIENTS }, () => forkBench('socket-client.ts'));
  const { ports, token } = await nextMessage<Ready>(server, 'ready');
  const section = `Socket.IO 4 (websocket transport): handshakes with a token in auth, ${CLIENTS} client processes x ${CONCURRENCY} in flight, ${seconds} s per measurement`;
  const baseRate = row(section, 'no middleware: handshakes', 'per s');
  const baseCpu = row(section, 'no middleware: server CPU per handshake', 'µs');
  const measure = (name: string, rate: Row, cpu: Row): Probe => ({
    rows: [rate, cpu],
    run: async () => {
      // A short untimed run first: the server has idled (other rows ran) and must not charge the
      // garbage collection it catches up on to this row alone.
      await Promise.all(clients.map((client) => ask(client, { type: 'run', port: ports[name], token, milliseconds: 300, concurrency: CONCURRENCY })));
      await ask(server, { type: 'mark' });
      const replies = await Promise.all(clients.map((client) => ask<{ count?: number; error?: string }>(client, { type: 'run', port: ports[name], token, milliseconds: seconds * 1000, concurrency: CONCURRENCY })));
      const read = await ask<Read>(server, { type: 'read' });
      const failed = replies.find((reply) => reply.error !== undefined);
      if (failed) throw new Error(`${rate.name}: ${failed.error}`);
      const done = read.handshakes[name];
      return [done / read.seconds, read.cpuMicroseconds / done];
    },
  });
  // Warm every server and the clients, so the first row measured is not the only cold one.
  for (const name of Object.keys(ports)) {
    await Promise.all(clients.map((client) => ask(client, { type: 'run', port: ports[name], token, milliseconds: 500, concurrency: CONCURRENCY })));
  }
  const probes = [
    measure('none', baseRate, baseCpu),
    measure('live', row(section, 'ours, live sessions on (default): handshakes', 'per s', baseRate), row(section, 'ours, live sessions on: server CPU per handshake', 'µs', baseCpu)),
    measure('no-live', row(section, 'ours, live sessions off: handshakes', 'per s', baseRate), row(section, 'ours, live sessions off: server CPU per handshake', 'µs', baseCpu)),
  ];
  // Events per second on sockets already open: a guarded event (option `events`, checked in memory)
  // against the same event without a guard.
  const eventsSection = `Socket.IO 4 (websocket transport): acknowledged events on open sockets, ${CLIENTS} client processes x ${CONCURRENCY} sockets, ${seconds} s per measurement`;
  const openRate = row(eventsSection, 'ours, no event guard: events', 'per s');
  const measureEvents = (name: string, rate: Row): Probe => ({
    rows: [rate],
    run: async () => {
      await Promise.all(clients.map((client) => ask(client, { type: 'events', port: ports[name], token, milliseconds: 300, concurrency: CONCURRENCY })));
      await ask(server, { type: 'mark' });
      const replies = await Promise.all(clients.map((client) => ask<{ count?: number; error?: string }>(client, { type: 'events', port: ports[name], token, milliseconds: seconds * 1000, concurrency: CONCURRENCY })));
      const read = await ask<Read>(server, { type: 'read' });
      const failed = replies.find((reply) => reply.error !== undefined);
      if (failed) throw new Error(`${rate.name}: ${failed.error}`);
      return [read.events[name] / read.seconds];
    },
  });
  probes.push(measureEvents('events-open', openRate), measureEvents('events-guarded', row(eventsSection, "ours, event guard { 'bench:*': { roles } }: events", 'per s', openRate)));
  const hold = async (name: string, count: number): Promise<number> => {
    const share = Math.ceil(count / clients.length);
    await Promise.all(clients.map((client) => ask(client, { type: 'hold', port: ports[name], token, count: share })));
    return share * clients.length;
  };
  const release = async (): Promise<void> => {
    await Promise.all(clients.map((client) => ask(client, { type: 'release' })));
    // Let the server see the closes before the next heap reading.
    await new Promise((resolve) => setTimeout(resolve, 500));
  };
  const heapPerSocket = async (name: string): Promise<number> => {
    // A first batch warms the code and buffers, so the measured growth is per socket only.
    await hold(name, 200);
    await release();
    const before = (await ask<{ heapUsed: number }>(server, { type: 'heap' })).heapUsed;
    const held = await hold(name, HELD_SOCKETS);
    const after = (await ask<{ heapUsed: number }>(server, { type: 'heap' })).heapUsed;
    await release();
    return (after - before) / held / 1024;
  };
  return {
    probes,
    memoryRows: async (memorySection) => {
      const none = row(memorySection, `heap per live socket, no middleware (${HELD_SOCKETS} sockets)`, 'KiB');
      none.results.push(await heapPerSocket('none'));
      const ours = row(memorySection, `heap per live socket, ours + live session (${HELD_SOCKETS} sockets)`, 'KiB', none);
      ours.results.push(await heapPerSocket('live'));
      return [none, ours];
    },
    stop: () => {
      for (const child of [server, ...clients]) child.kill('SIGTERM');
    },
  };
}
