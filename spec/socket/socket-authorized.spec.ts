/**
 * `@SocketAuthorized` on socket-controllers `@OnMessage` methods, over real servers and clients on
 * both transports: the same refusal as option `events`, the method never runs, the socket stays.
 */
import { expect } from 'chai';
import { ConnectedSocket, MessageAck, OnMessage, SocketController, SocketControllers } from 'socket-controllers';
import type { Socket } from 'socket.io';
import type { Socket as ClientSocket } from 'socket.io-client';
import { Container, Service } from 'typedi';
import { ErrorMessages, PasetoConfigError } from '../../src/errors';
import type { PasetoAuthService } from '../../src/service';
import { SOCKET_EVENT_REFUSED_EVENT, type SocketEventRefusedData } from '../../src/socket/names';
import { createPasetoSocketMiddleware, SocketAuthorized } from '../../src/socket/socket-controllers';
import { TestClock } from '../../src/testing/clock';
import { closeClients, startServer, testService, tryConnect, TRANSPORTS, type ClientSet, type TestServer } from './helpers';

const ran: string[] = [];

@SocketController('/guarded')
@Service()
class GuardedController {
  @OnMessage('any')
  @SocketAuthorized()
  any(@MessageAck() ack: (answer: string) => void): void {
    ran.push('any');
    ack('done');
  }

  @OnMessage('ban')
  @SocketAuthorized('admin')
  ban(@MessageAck() ack: (answer: string) => void): void {
    ran.push('ban');
    ack('done');
  }

  @OnMessage('transfer')
  @SocketAuthorized({ fresh: true })
  transfer(@ConnectedSocket() socket: Socket, @MessageAck() ack?: (answer: string) => void): void {
    ran.push(`transfer:${socket.nsp.name}`);
    ack?.('done');
  }
}

for (const transport of TRANSPORTS) {
  describe(`@SocketAuthorized over ${transport}`, () => {
    const clients: ClientSet = new Set();
    const servers: TestServer[] = [];
    let clock: TestClock;
    let auth: PasetoAuthService;

    beforeEach(() => {
      ran.length = 0;
      clock = new TestClock();
      auth = testService({ denylistEnabled: true, clock });
    });
    afterEach(async () => {
      closeClients(clients);
      await Promise.all(servers.splice(0).map((server) => server.close()));
    });

    async function open(token: string, liveSession?: { expiry: boolean }): Promise<ClientSocket> {
      const Guard = createPasetoSocketMiddleware({ auth, namespace: '/guarded', liveSession });
      const server = await startServer((io) => {
        new SocketControllers({ io, container: Container, controllers: [GuardedController], middlewares: [Guard] });
      });
      servers.push(server);
      const result = await tryConnect(clients, server.url, '/guarded', transport, { auth: { token } });
      if (!result.connected) return expect.fail(`refused: ${result.message}`);
      return result.socket;
    }
    const send = (socket: ClientSocket, event: string) => socket.timeout(5000).emitWithAck(event, {});

    it('roles and fresh: a refused message gets { error } on its ack and never runs the method', async () => {
      const member = await open(await auth.createAccessToken({ subject: 'bob' }));
      expect(await send(member, 'any')).to.equal('done');
      expect(await send(member, 'ban')).to.deep.equal({ error: { code: 'insufficient_role', status: 403, message: ErrorMessages.insufficientRole } });
      expect(await send(member, 'transfer')).to.deep.equal({ error: { code: 'fresh_token_required', status: 401, message: ErrorMessages.notFresh } });
      expect(ran).to.deep.equal(['any']);
      const admin = await open(await auth.createAccessToken({ subject: 'alice', fresh: true, userClaims: { roles: ['admin'] } }));
      expect([await send(admin, 'ban'), await send(admin, 'transfer')]).to.deep.equal(['done', 'done']);
    });

    it('without an ack: paseto:event_refused; after the token expires (test clock): token_expired, the socket stays', async () => {
      const token = await auth.createAccessToken({ subject: 'bob', expiresIn: 60 });
      const socket = await open(token, { expiry: false });
      const refused = new Promise<SocketEventRefusedData>((resolve) => socket.once(SOCKET_EVENT_REFUSED_EVENT, resolve));
      socket.emit('transfer', {});
      expect(await refused).to.deep.equal({ event: 'transfer', code: 'fresh_token_required', status: 401, message: ErrorMessages.notFresh });
      clock.set((await auth.verifyToken(token)).expiresAt!.getTime() + 1);
      expect(await send(socket, 'any')).to.deep.equal({ error: { code: 'token_expired', status: 401, message: ErrorMessages.expired } });
      expect(ran).to.deep.equal([]);
      expect(socket.connected).to.equal(true);
    });
  });
}

describe('@SocketAuthorized: validated where it is applied', () => {
  it('a malformed rule throws PasetoConfigError naming the field', () => {
    expect(() => SocketAuthorized({ role: ['admin'] } as never)).to.throw(PasetoConfigError, /SocketAuthorized\.role/);
    expect(() => SocketAuthorized({ fresh: 'yes' } as never)).to.throw(PasetoConfigError, /SocketAuthorized\.fresh/);
    expect(() => SocketAuthorized([''])).to.throw(PasetoConfigError, /SocketAuthorized\.roles/);
  });
});
