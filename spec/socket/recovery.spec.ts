/**
 * socket.io's connection-state recovery restores a socket (its `socket.data`, our record included)
 * without running any middleware by default (`skipMiddlewares: true`). These specs make recovery
 * actually happen — the client's transport is dropped, the server persists the session, the client
 * reconnects with its pid and offset — and check that a recovered socket is checked again (expiry,
 * denylist) and watched, whatever `skipMiddlewares` says.
 */
import { expect } from 'chai';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { io as ioClient, type Socket as ClientSocket } from 'socket.io-client';
import { ErrorMessages } from '../../src/errors';
import type { PasetoAuthService } from '../../src/service';
import { getSocketAuth, pasetoSocketMiddleware } from '../../src/socket/middleware';
import { SOCKET_SESSION_ENDED_EVENT, type SocketSessionEndedData } from '../../src/socket/names';
import { TestClock } from '../../src/testing/clock';
import { testService, TRANSPORTS } from './helpers';

const REVOKED: SocketSessionEndedData = { code: 'token_revoked', status: 401, message: ErrorMessages.revoked };
const EXPIRED: SocketSessionEndedData = { code: 'token_expired', status: 401, message: ErrorMessages.expired };

/** How a client's session ended: the session_ended payload (if any) and the disconnect reason. */
function endingOf(client: ClientSocket): Promise<{ ended: SocketSessionEndedData | undefined; reason: string }> {
  let ended: SocketSessionEndedData | undefined;
  client.once(SOCKET_SESSION_ENDED_EVENT, (data: SocketSessionEndedData) => {
    ended = data;
  });
  return new Promise((resolve) => client.once('disconnect', (reason) => resolve({ ended, reason })));
}

/** One event, as a promise. */
function next<T = unknown>(socket: ClientSocket | Socket, event: string): Promise<T> {
  return new Promise((resolve) => (socket as ClientSocket).once(event, (value: T) => resolve(value)));
}

for (const transport of TRANSPORTS) {
  for (const skipMiddlewares of [true, false]) {
    describe(`socket recovery over ${transport} (connectionStateRecovery, skipMiddlewares: ${skipMiddlewares})`, () => {
      let io: Server;
      let http: ReturnType<typeof createServer>;
      let url: string;
      let clock: TestClock;
      let auth: PasetoAuthService;
      let connections: Socket[];
      const clients: ClientSocket[] = [];

      beforeEach(async () => {
        clock = new TestClock();
        auth = testService({ denylistEnabled: true, clock });
        connections = [];
        http = createServer();
        io = new Server(http, { transports: ['polling', 'websocket'], connectionStateRecovery: { maxDisconnectionDuration: 60_000, skipMiddlewares } });
        io.use(pasetoSocketMiddleware({ auth }));
        io.on('connection', (socket) => {
          connections.push(socket);
          socket.on('whoami', (ack: (subject: unknown) => void) => ack(getSocketAuth(socket)?.subject ?? null));
          // Recovery needs an offset: the client must have received a packet.
          socket.emit('hello');
        });
        await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
        url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
      });
      afterEach(async () => {
        for (const client of clients.splice(0)) client.close();
        http.closeAllConnections();
        await io.close();
      });

      /** Connects, then drops the transport and waits until the server has persisted the session. */
      async function connectAndDrop(token: string): Promise<ClientSocket> {
        const client = ioClient(url, { transports: [transport], forceNew: true, reconnection: false, auth: { token } });
        clients.push(client);
        const hello = next(client, 'hello');
        await next(client, 'connect');
        await hello;
        const serverSide = connections[connections.length - 1];
        const gone = next(serverSide, 'disconnect');
        client.io.engine.close();
        expect(await gone).to.equal('transport close');
        return client;
      }

      /** Reconnects (the client sends its pid and offset) and reports what happened. */
      async function reconnect(client: ClientSocket): Promise<{ connected: true; recovered: boolean } | { connected: false; data: unknown }> {
        const outcome = Promise.race([
          next(client, 'connect').then(() => ({ connected: true as const, recovered: client.recovered })),
          next<Error & { data?: unknown }>(client, 'connect_error').then((error) => ({ connected: false as const, data: error.data })),
        ]);
        client.connect();
        return outcome;
      }

      it('a valid token: the socket recovers with its session, which is watched again (a later revocation ends it)', async () => {
        const token = await auth.createAccessToken({ subject: 'alice' });
        const client = await connectAndDrop(token);
        expect(await reconnect(client)).to.deep.equal({ connected: true, recovered: true });
        expect(await client.timeout(5000).emitWithAck('whoami')).to.equal('alice');
        const ending = endingOf(client);
        await auth.revokeToken(token);
        expect(await ending).to.deep.equal({ ended: REVOKED, reason: 'io server disconnect' });
      });

      it('a token revoked during the gap does not come back', async () => {
        const token = await auth.createAccessToken({ subject: 'alice' });
        const client = await connectAndDrop(token);
        await auth.revokeToken(token);
        const ending = endingOf(client);
        const result = await reconnect(client);
        if (skipMiddlewares) {
          // socket.io restores it without the middleware; it is ended at once.
          expect(result).to.deep.equal({ connected: true, recovered: true });
          expect(await ending).to.deep.equal({ ended: REVOKED, reason: 'io server disconnect' });
        } else {
          // The middleware runs again and refuses the handshake.
          expect(result).to.deep.equal({ connected: false, data: { code: 'token_revoked', status: 401 } });
        }
      });

      it('a token that expired during the gap (test clock) does not come back', async () => {
        const token = await auth.createAccessToken({ subject: 'alice', expiresIn: 60 });
        const client = await connectAndDrop(token);
        clock.set((await auth.verifyToken(token)).expiresAt!.getTime() + 1);
        const ending = endingOf(client);
        const result = await reconnect(client);
        if (skipMiddlewares) {
          expect(result).to.deep.equal({ connected: true, recovered: true });
          expect(await ending).to.deep.equal({ ended: EXPIRED, reason: 'io server disconnect' });
        } else {
          expect(result).to.deep.equal({ connected: false, data: { code: 'token_expired', status: 401 } });
        }
      });
    });
  }
}

