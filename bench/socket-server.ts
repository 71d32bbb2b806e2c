import 'reflect-metadata';
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { PasetoAuthService } from '../src/service';
import { pasetoSocketMiddleware } from '../src/socket/middleware';

/**
 * The benchmark's Socket.IO servers, in a process of their own (run with --expose-gc): one per
 * configuration, each on its own port; only one is under load at a time. Over IPC it sends
 * `ready` (ports and a token), answers `mark` (start of a window) and `read` (handshakes, events and
 * CPU time since the mark, from process.cpuUsage) and `heap` (heap after a forced GC).
 */
const LOCAL_KEY = `k4.local.${Buffer.alloc(32, 9).toString('base64url')}`;
const auth = new PasetoAuthService({ secretKey: LOCAL_KEY });

const configurations = {
  none: undefined,
  live: pasetoSocketMiddleware({ auth }),
  'no-live': pasetoSocketMiddleware({ auth, liveSession: false }),
  // Events per second through a per-event guard, against the same middleware without one.
  'events-open': pasetoSocketMiddleware({ auth }),
  'events-guarded': pasetoSocketMiddleware({ auth, events: { 'bench:*': { roles: ['bench'] } } }),
} as const;

const handshakes: Record<string, number> = {};
const events: Record<string, number> = {};

function listen(name: string, middleware: ReturnType<typeof pasetoSocketMiddleware> | undefined): Promise<number> {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'], serveClient: false });
  if (middleware) io.use(middleware);
  handshakes[name] = 0;
  events[name] = 0;
  io.on('connection', (socket) => {
    handshakes[name] += 1;
    socket.on('bench:ping', (ack?: (answer: number) => void) => {
      events[name] += 1;
      ack?.(1);
    });
  });
  return new Promise((resolve) => {
    http.listen(0, '127.0.0.1', () => {
      const address = http.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

let mark = { at: 0, cpu: process.cpuUsage(), handshakes: { ...handshakes }, events: { ...events } };

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run the socket server with --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

process.on('message', (message: { type: string }) => {
  if (message.type === 'mark') {
    mark = { at: performance.now(), cpu: process.cpuUsage(), handshakes: { ...handshakes }, events: { ...events } };
    process.send?.({ type: 'mark' });
  } else if (message.type === 'read') {
    const cpu = process.cpuUsage(mark.cpu);
    const done = Object.fromEntries(Object.entries(handshakes).map(([name, count]) => [name, count - (mark.handshakes[name] ?? 0)]));
    const handled = Object.fromEntries(Object.entries(events).map(([name, count]) => [name, count - (mark.events[name] ?? 0)]));
    process.send?.({ type: 'read', seconds: (performance.now() - mark.at) / 1000, cpuMicroseconds: cpu.user + cpu.system, handshakes: done, events: handled });
  } else if (message.type === 'heap') {
    process.send?.({ type: 'heap', heapUsed: heapAfterGc() });
  }
});
process.on('disconnect', () => process.exit(0));

async function main(): Promise<void> {
  const ports: Record<string, number> = {};
  for (const [name, middleware] of Object.entries(configurations)) ports[name] = await listen(name, middleware);
  const token = await auth.createAccessToken({ subject: 'bench', expiresIn: 3600, userClaims: { roles: ['bench'] } });
  process.send?.({ type: 'ready', ports, token });
}
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
