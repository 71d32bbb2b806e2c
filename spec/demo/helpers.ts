import { io as connectClient, type ManagerOptions, type Socket as ClientSocket, type SocketOptions } from 'socket.io-client';
import supertest from 'supertest';
import { createDemoApp, type DemoApp, type DemoOptions } from '../../demo/server';
import type { Greeting } from '../../demo/sockets/greeting';
import type { TokenPair } from '../../demo/controllers/auth.controller';

/** A demo listening on a free loopback port. */
export interface RunningDemo extends DemoApp {
  url: string;
  http: ReturnType<typeof supertest>;
  warnings: string[];
}

/** Start a demo on 127.0.0.1:0 with no environment (a generated key) unless told otherwise. */
export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const warnings: string[] = [];
  const demo = createDemoApp({ env: {}, log: (message) => warnings.push(message), ...options });
  const port = await demo.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  return Object.assign(demo, { url, http: supertest(url), warnings });
}

/** Log in through the API. */
export async function login(demo: RunningDemo, username = 'test', password = username): Promise<TokenPair> {
  const response = await demo.http.post('/login').send({ username, password }).expect(200);
  return response.body as TokenPair;
}

/** What a socket connection attempt ended in. */
export type ConnectOutcome =
  | { connected: true; greeting: Greeting }
  | { connected: false; message: string; data: { code?: string; status?: number } | undefined };

type ClientOptions = Partial<ManagerOptions & SocketOptions>;

/**
 * Connect a socket.io client to a namespace and wait for the greeting or the `connect_error`;
 * the client is always closed before this resolves.
 */
export function connectOnce(demo: RunningDemo, namespace: string, options: ClientOptions): Promise<ConnectOutcome> {
  const socket: ClientSocket = connectClient(`${demo.url}${namespace}`, {
    forceNew: true, // own manager: the handshake query and headers are per manager
    reconnection: false,
    transports: ['websocket'],
    ...options,
  });
  return new Promise<ConnectOutcome>((resolve, reject) => {
    const timer = setTimeout(() => finish(() => reject(new Error(`no greeting nor connect_error from ${namespace}`))), 5000);
    function finish(settle: () => void): void {
      clearTimeout(timer);
      socket.off();
      socket.disconnect();
      settle();
    }
    socket.on('greeting', (greeting: Greeting) => finish(() => resolve({ connected: true, greeting })));
    socket.on('connect_error', (error: Error & { data?: { code?: string; status?: number } }) =>
      finish(() => resolve({ connected: false, message: error.message, data: error.data })),
    );
  });
}
