import { expect } from 'chai';
import type { Socket } from 'socket.io';
import { ConnectedSocket, MessageAck, Middleware, OnConnect, OnMessage, SocketController, SocketControllers } from 'socket-controllers';
import { Container, Service } from 'typedi';
import { PasetoConfigError } from '../../src/errors';
import { PasetoAuthService } from '../../src/service';
import { getSocketAuth, getSocketUser } from '../../src/socket/middleware';
import { createPasetoSocketMiddleware, PasetoSocketMiddleware } from '../../src/socket/socket-controllers';
import { ask, closeClients, expected, refusalOf, startServer, testService, tryConnect, TRANSPORTS, type ClientSet, type ConnectResult, type TestServer } from './helpers';
import { Refused, type Whoami } from './fixtures';

/** What the controllers saw; controllers are typedi singletons, so the log is reset per test. */
const seen: Array<{ event: string; nsp: string; subject: string | number | null }> = [];

function whoami(socket: Socket): Whoami {
  const verified = getSocketAuth(socket);
  return {
    nsp: socket.nsp.name,
    subject: verified?.subject ?? null,
    type: verified?.type ?? null,
    fresh: verified?.fresh ?? null,
    footer: verified?.footer ?? null,
    user: getSocketUser(socket),
  };
}

@SocketController()
@Service()
class RootController {
  @OnConnect()
  connect(@ConnectedSocket() socket: Socket): void {
    seen.push({ event: 'connect', nsp: socket.nsp.name, subject: getSocketAuth(socket)?.subject ?? null });
  }

  @OnMessage('whoami')
  whoami(@ConnectedSocket() socket: Socket, @MessageAck() ack: (w: Whoami) => void): void {
    ack(whoami(socket));
  }
}

@SocketController('/admin')
@Service()
class AdminController extends RootController {}

@SocketController('/open')
@Service()
class OpenController extends RootController {}

@SocketController('/rooms/:room')
@Service()
class RoomController extends RootController {}

/** An application middleware running after ours (higher priority number), reading what ours stored. */
@Middleware({ priority: 10 })
@Service()
class AfterAuthMiddleware {
  use(socket: Socket, next: (err?: Error) => void): void {
    seen.push({ event: 'after-auth', nsp: socket.nsp.name, subject: getSocketAuth(socket)?.subject ?? null });
    next();
  }
}

const controllers = [RootController, AdminController, OpenController, RoomController];

for (const transport of TRANSPORTS) {
  describe(`socket-controllers over ${transport}`, function () {
    const clients: ClientSet = new Set();
    const servers: TestServer[] = [];
    let auth: PasetoAuthService;

    beforeEach(() => {
      seen.length = 0;
      auth = testService({ denylistEnabled: true });
    });
    afterEach(async () => {
      closeClients(clients);
      await Promise.all(servers.splice(0).map((server) => server.close()));
    });

    async function serve(middlewares: Array<new () => unknown>): Promise<TestServer> {
      const server = await startServer((io) => {
        new SocketControllers({ io, container: Container, controllers, middlewares });
      });
      servers.push(server);
      return server;
    }
    const connect = (server: TestServer, nsp: string, token?: string): Promise<ConnectResult> =>
      tryConnect(clients, server.url, nsp, transport, token === undefined ? {} : { auth: { token } });
    async function subjectOf(result: ConnectResult): Promise<string | number | null> {
      if (!result.connected) return expect.fail(`refused: ${result.message}`);
      return (await ask<Whoami>(result.socket, 'whoami')).subject;
    }

    describe('PasetoSocketMiddleware (the ready-made class, service from the typedi Container)', () => {
      // The default service comes from the global container; put ours there and put the
      // registration back afterwards (an entry without `value` is re-created on the next get).
      beforeEach(() => {
        Container.set(PasetoAuthService, auth);
      });
      after(() => {
        Container.set({ id: PasetoAuthService, type: PasetoAuthService });
      });

      it('refuses before @OnConnect on every namespace and lets controllers read getSocketAuth', async () => {
        const server = await serve([PasetoSocketMiddleware]);
        const token = await auth.createAccessToken({ subject: 'alice' });
        for (const nsp of ['/', '/admin', '/open', '/rooms/42']) {
          expect(refusalOf(await connect(server, nsp)), nsp).to.deep.equal(expected(Refused.missing));
          expect(refusalOf(await connect(server, nsp, 'garbage')), nsp).to.deep.equal(expected(Refused.format));
          expect(await subjectOf(await connect(server, nsp, token)), nsp).to.equal('alice');
        }
        expect(seen).to.deep.equal(['/', '/admin', '/open', '/rooms/42'].map((nsp) => ({ event: 'connect', nsp, subject: 'alice' })));
      });

      it('a revoked token is refused', async () => {
        const server = await serve([PasetoSocketMiddleware]);
        const token = await auth.createAccessToken({ subject: 'eve' });
        await auth.revokeToken(token);
        expect(refusalOf(await connect(server, '/open', token))).to.deep.equal(expected(Refused.revoked));
        expect(seen).to.deep.equal([]);
      });
    });

    describe('createPasetoSocketMiddleware', () => {
      it("per-namespace requirements, including '/' (which socket-controllers alone never runs)", async () => {
        const RootAuth = createPasetoSocketMiddleware({ auth, namespace: '/' });
        const AdminAuth = createPasetoSocketMiddleware({ auth, namespace: '/admin', roles: ['admin'] });
        const RoomAuth = createPasetoSocketMiddleware({ auth, namespace: '/rooms/:room', anyRole: ['member', 'admin'] });
        const server = await serve([RootAuth, AdminAuth, RoomAuth]);
        const alice = await auth.createAccessToken({ subject: 'alice', userClaims: { roles: ['admin'] } });
        const bob = await auth.createAccessToken({ subject: 'bob', userClaims: { roles: ['member'] } });
        const carol = await auth.createAccessToken({ subject: 'carol' });

        expect(refusalOf(await connect(server, '/')), '/').to.deep.equal(expected(Refused.missing));
        expect(await subjectOf(await connect(server, '/', carol))).to.equal('carol');
        expect(await subjectOf(await connect(server, '/open')), '/open has no requirement').to.equal(null);
        expect(refusalOf(await connect(server, '/admin', bob))).to.deep.equal(expected(Refused.role));
        expect(await subjectOf(await connect(server, '/admin', alice))).to.equal('alice');
        expect(refusalOf(await connect(server, '/rooms/7', carol))).to.deep.equal(expected(Refused.role));
        expect(await subjectOf(await connect(server, '/rooms/7', bob))).to.equal('bob');
        expect(seen.map((entry) => `${entry.nsp}:${entry.subject}`)).to.deep.equal(['/:carol', '/open:null', '/admin:alice', '/rooms/7:bob']);
      });

      it('priority orders middlewares; a later application middleware reads getSocketAuth', async () => {
        const Auth = createPasetoSocketMiddleware({ auth, priority: 1, optional: true });
        const server = await serve([AfterAuthMiddleware, Auth]);
        const token = await auth.createAccessToken({ subject: 'alice' });
        expect(await subjectOf(await connect(server, '/open', token))).to.equal('alice');
        expect(seen).to.deep.equal([
          { event: 'after-auth', nsp: '/open', subject: 'alice' },
          { event: 'connect', nsp: '/open', subject: 'alice' },
        ]);
      });

      it('a throwing userLoader or denylist refuses that socket; the process survives and the next client is served', async () => {
        let denylistDown = false;
        const fragile = testService({
          denylistEnabled: true,
          denylist: {
            isRevoked: () => {
              if (denylistDown) throw new Error('redis down');
              return false;
            },
            revoke: () => undefined,
          },
        });
        const unhandled: unknown[] = [];
        const onUnhandled = (reason: unknown) => unhandled.push(reason);
        process.on('unhandledRejection', onUnhandled);
        try {
          const Auth = createPasetoSocketMiddleware({
            auth: fragile,
            userLoader: async (verified) => {
              if (verified.subject === 'boom') throw new Error('loader failed');
              return { id: verified.subject };
            },
          });
          const server = await serve([Auth]);
          expect(refusalOf(await connect(server, '/open', await fragile.createAccessToken({ subject: 'boom' })))).to.deep.equal(expected(Refused.internal));
          denylistDown = true;
          expect(refusalOf(await connect(server, '/open', await fragile.createAccessToken({ subject: 'alice' })))).to.deep.equal(expected(Refused.denylist));
          denylistDown = false;
          const result = await connect(server, '/open', await fragile.createAccessToken({ subject: 'alice' }));
          if (!result.connected) expect.fail(result.message);
          expect(await ask<Whoami>(result.socket, 'whoami')).to.deep.include({ subject: 'alice', user: { id: 'alice' } });
          expect(seen.filter((entry) => entry.event === 'connect').map((entry) => entry.subject)).to.deep.equal(['alice']);
          await new Promise((resolve) => setImmediate(resolve));
          expect(unhandled).to.deep.equal([]);
        } finally {
          process.off('unhandledRejection', onUnhandled);
        }
      });

      it("refuses '/' mixed with other namespaces in one middleware", () => {
        expect(() => createPasetoSocketMiddleware({ auth, namespace: ['/', '/admin'] })).to.throw(PasetoConfigError, /'\/' cannot be combined/);
        // a one-element list is the same as the string
        expect(createPasetoSocketMiddleware({ auth, namespace: ['/'] })).to.be.a('function');
      });
    });
  });
}
