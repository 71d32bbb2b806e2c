import { expect } from 'chai';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as ioClient, type Socket as ClientSocket } from 'socket.io-client';
import { PasetoAuthService } from '../../src/service';
import type { PasetoAuthOptions } from '../../src/config/options';
import { LOCAL_KEY } from '../helpers/keys';

/** A service on the fixed test key, plus any options. */
export function testService(options: Omit<PasetoAuthOptions, 'secretKey'> = {}): PasetoAuthService {
  return new PasetoAuthService({ secretKey: LOCAL_KEY, ...options });
}

/** Both engine.io transports: every end-to-end test runs over each. */
export const TRANSPORTS = ['websocket', 'polling'] as const;
export type Transport = (typeof TRANSPORTS)[number];

/** A socket.io server on loopback, port 0. */
export interface TestServer {
  readonly io: Server;
  readonly http: HttpServer;
  readonly url: string;
  close(): Promise<void>;
}

/** Starts a socket.io server; `setup` adds middlewares and handlers before it listens. */
export async function startServer(setup: (io: Server) => void = () => undefined): Promise<TestServer> {
  const http = createServer();
  const io = new Server(http, { transports: ['polling', 'websocket'] });
  setup(io);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    io,
    http,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      // io.close() disconnects every socket and closes the http server; keep-alive polling
      // connections would otherwise keep mocha alive.
      http.closeAllConnections();
      await io.close();
    },
  };
}

/** What a client learnt from its handshake. */
export type ConnectResult =
  | { readonly connected: true; readonly socket: ClientSocket }
  | { readonly connected: false; readonly message: string; readonly data: unknown };

/** How a test client presents its token. */
export interface ClientOptions {
  auth?: Record<string, unknown>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

/** Clients opened by a test, closed by {@link closeClients}. */
export type ClientSet = Set<ClientSocket>;

/**
 * Opens a real socket.io-client connection and resolves with `connect` or `connect_error`
 * (reconnection off). The socket is tracked in `clients` for closing.
 */
export function tryConnect(
  clients: ClientSet,
  base: string,
  namespace: string,
  transport: Transport,
  options: ClientOptions = {},
  /** Called with the socket before it connects: to listen for what may arrive with the connection itself. */
  created?: (socket: ClientSocket) => void,
): Promise<ConnectResult> {
  const socket = ioClient(base + namespace, {
    transports: [transport],
    forceNew: true,
    reconnection: false,
    timeout: 10_000,
    auth: options.auth,
    query: options.query,
    extraHeaders: options.headers,
  });
  clients.add(socket);
  created?.(socket);
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ connected: true, socket }));
    socket.once('connect_error', (err: Error & { data?: unknown }) => {
      socket.close();
      resolve({ connected: false, message: err.message, data: err.data });
    });
  });
}

/** Closes every tracked client. */
export function closeClients(clients: ClientSet): void {
  for (const socket of clients) socket.close();
  clients.clear();
}

/** Emits `event` and resolves with the acknowledgement. */
export function ask<T>(socket: ClientSocket, event: string): Promise<T> {
  return socket.timeout(5000).emitWithAck(event) as Promise<T>;
}

/** The expected refusal: message and `{ code, status }`. */
export interface Refusal {
  readonly message: string;
  readonly code: string;
  readonly status: number;
}

/** Asserts a refusal in chai-friendly form: returns `{ message, data }` to deep-equal. */
export function refusalOf(result: ConnectResult): { message: string; data: unknown } | 'connected' {
  if (result.connected) return 'connected';
  return { message: result.message, data: result.data };
}

/** The shape {@link refusalOf} gives for an expected refusal. */
export function expected(refusal: Refusal): { message: string; data: { code: string; status: number } } {
  return { message: refusal.message, data: { code: refusal.code, status: refusal.status } };
}

/** Crafts a v4.local token with arbitrary claims (times in the past or future) via paseto-ts, an independent implementation. */
export async function craftLocalToken(claims: Record<string, unknown>): Promise<string> {
  const { encrypt } = (await import('paseto-ts/v4'));
  return encrypt(LOCAL_KEY, claims, { addIat: false, addExp: false, validatePayload: false });
}

/** Waits (polling every 10 ms) until `condition` holds; fails the test after `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) expect.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Counts the service subscriptions held (the live-session registry's), by wrapping `onRevocation` of this instance. */
export function countSubscriptions(auth: PasetoAuthService): () => number {
  let live = 0;
  const original = auth.onRevocation.bind(auth);
  auth.onRevocation = (listener) => {
    live += 1;
    const unsubscribe = original(listener);
    return () => {
      live -= 1;
      unsubscribe();
    };
  };
  return () => live;
}
