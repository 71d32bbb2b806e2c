import { expect } from 'chai';
import type { Socket } from 'socket.io';
import type { Socket as ClientSocket } from 'socket.io-client';
import { ConnectedSocket, OnConnect, OnDisconnect, SocketController, SocketControllers } from 'socket-controllers';
import { Container, Service } from 'typedi';
import { AuthPasetoError, ErrorMessages, PasetoConfigError } from '../../src/errors';
import { MemoryDenylist } from '../../src/denylist/memory';
import type { DenylistStore } from '../../src/denylist/store';
import type { PasetoAuthService } from '../../src/service';
import { getSocketAuth, pasetoSocketMiddleware, type PasetoSocketMiddlewareFunction, type PasetoSocketMiddlewareOptions } from '../../src/socket/middleware';
import { resolveLiveSession, SOCKET_SESSION_ENDED_EVENT, type SocketSessionEndedData } from '../../src/socket/live-session';
import { createPasetoSocketMiddleware } from '../../src/socket/socket-controllers';
import { TestClock } from '../../src/testing/clock';
import { ask, closeClients, countSubscriptions, startServer, testService, tryConnect, TRANSPORTS, until, type ClientOptions, type ClientSet, type TestServer } from './helpers';
import { track, type ConnectionLog, type Whoami } from './fixtures';

const EXPIRED: SocketSessionEndedData = { code: 'token_expired', status: 401, message: ErrorMessages.expired };
const REVOKED: SocketSessionEndedData = { code: 'token_revoked', status: 401, message: ErrorMessages.revoked };

/** How a client's session ended, as the client saw it. */
interface Ending {
  /** The {@link SOCKET_SESSION_ENDED_EVENT} payload, if one arrived before the disconnect. */
  readonly ended: SocketSessionEndedData | undefined;
  readonly reason: string;
}

function endingOf(socket: ClientSocket): Promise<Ending> {
  let ended: SocketSessionEndedData | undefined;
  socket.on(SOCKET_SESSION_ENDED_EVENT, (data: SocketSessionEndedData) => {
    ended = data;
  });
  return new Promise((resolve) => socket.once('disconnect', (reason) => resolve({ ended, reason })));
}


/** What the socket-controllers controller saw. */
const events: string[] = [];

@SocketController('/live')
@Service()
class LiveController {
  @OnConnect()
  connect(@ConnectedSocket() socket: Socket): void {
    events.push(`connect:${getSocketAuth(socket)?.subject}`);
  }

  @OnDisconnect()
  disconnect(@ConnectedSocket() socket: Socket): void {
    events.push(`disconnect:${getSocketAuth(socket)?.subject}`);
  }
}

for (const transport of TRANSPORTS) {
  describe(`socket live sessions over ${transport}`, function () {
    const clients: ClientSet = new Set();
    const servers: TestServer[] = [];
    let log: ConnectionLog;
    let serverDisconnects: string[];

    beforeEach(() => {
      log = [];
      serverDisconnects = [];
    });
    afterEach(async () => {
      closeClients(clients);
      await Promise.all(servers.splice(0).map((server) => server.close()));
    });

    /** A server whose `/` (and `/admin`, with the role admin) is guarded by one middleware each. */
    async function serve(auth: PasetoAuthService, options: Omit<PasetoSocketMiddlewareOptions, 'auth'> = {}): Promise<{ server: TestServer; root: PasetoSocketMiddlewareFunction; admin: PasetoSocketMiddlewareFunction }> {
      const root = pasetoSocketMiddleware({ auth, ...options });
      const admin = pasetoSocketMiddleware({ auth, ...options, roles: ['admin'] });
      const server = await startServer((io) => {
        for (const [nsp, middleware] of [[io.of('/'), root], [io.of('/admin'), admin]] as const) {
          nsp.use(middleware);
          nsp.on('connection', (socket) => {
            track(socket, log);
            socket.on('disconnect', (reason) => serverDisconnects.push(`${socket.nsp.name}:${getSocketAuth(socket)?.subject}:${reason}`));
          });
        }
      });
      servers.push(server);
      return { server, root, admin };
    }
    async function open(server: TestServer, token: string | undefined, nsp = '/'): Promise<ClientSocket> {
      const options: ClientOptions = token === undefined ? {} : { auth: { token } };
      const result = await tryConnect(clients, server.url, nsp, transport, options);
      if (!result.connected) return expect.fail(`refused: ${result.message}`);
      return result.socket;
    }
    const subjectOf = async (socket: ClientSocket) => (await ask<Whoami>(socket, 'whoami')).subject;

    describe('expiry (on the service clock: a test clock drives it, no real waiting)', () => {
      it('ends the socket when its token expires (exp + decodeLeeway): the event, then a server disconnect; liveSession: false keeps it', async () => {
        const clock = new TestClock();
        const strict = testService({ denylistEnabled: true, clock });
        const lenient = testService({ decodeLeeway: 2, clock });
        const a = await serve(strict);
        const b = await serve(lenient);
        const c = await serve(strict, { liveSession: false });
        const tokenA = await strict.createAccessToken({ subject: 'alice', expiresIn: 60 });
        const tokenB = await lenient.createAccessToken({ subject: 'bob', expiresIn: 60 });
        const tokenC = await strict.createAccessToken({ subject: 'carol', expiresIn: 60 });
        const exp = async (auth: PasetoAuthService, token: string) => (await auth.verifyToken(token)).expiresAt!.getTime();
        const [expA, expB] = [await exp(strict, tokenA), await exp(lenient, tokenB)];
        const alice = await open(a.server, tokenA);
        const bob = await open(b.server, tokenB);
        const carol = await open(c.server, tokenC);
        const [endA, endB] = [endingOf(alice), endingOf(bob)];
        expect([a.root.liveSessions, b.root.liveSessions, c.root.liveSessions]).to.deep.equal([1, 1, 0]);

        // At exp the token still verifies; one millisecond later it does not, and the session ends
        // inside advance() (the server side synchronously).
        clock.set(expA);
        expect(serverDisconnects).to.deep.equal([]);
        clock.set(expA + 1);
        expect(serverDisconnects).to.deep.equal(['/:alice:server namespace disconnect']);
        // The leeway delays bob's end by 2 s.
        clock.set(expB + 2000);
        expect(b.root.liveSessions).to.equal(1);
        clock.set(expB + 2001);
        expect(serverDisconnects).to.deep.equal(['/:alice:server namespace disconnect', '/:bob:server namespace disconnect']);
        expect(await endA).to.deep.include({ ended: EXPIRED, reason: 'io server disconnect' });
        expect(await endB).to.deep.include({ ended: EXPIRED, reason: 'io server disconnect' });
        expect(a.root.liveSessions + b.root.liveSessions).to.equal(0);
        expect(await subjectOf(carol)).to.equal('carol');
      });

      it('a token living longer than setTimeout can wait (30 days) keeps its socket, and still ends at its exp', async () => {
        const warnings: string[] = [];
        const onWarning = (warning: Error) => warnings.push(warning.name);
        process.on('warning', onWarning);
        try {
          // On the real clock first: no TimeoutOverflowWarning from arming a 30-day timer.
          const real = testService();
          const first = await serve(real);
          const realSocket = await open(first.server, await real.createAccessToken({ subject: 'alice', expiresIn: 30 * 24 * 3600 }));
          expect(await subjectOf(realSocket)).to.equal('alice');
          expect(first.root.liveSessions).to.equal(1);
          expect(warnings).to.not.include('TimeoutOverflowWarning');

          const clock = new TestClock();
          const auth = testService({ clock });
          const { server, root } = await serve(auth);
          const token = await auth.createAccessToken({ subject: 'bob', expiresIn: 30 * 24 * 3600 });
          const socket = await open(server, token);
          const ending = endingOf(socket);
          clock.advance(29 * 24 * 3600 * 1000);
          expect(await subjectOf(socket)).to.equal('bob');
          clock.set((await auth.verifyToken(token)).expiresAt!.getTime() + 1);
          expect(await ending).to.deep.include({ ended: EXPIRED });
          expect(root.liveSessions).to.equal(0);
        } finally {
          process.off('warning', onWarning);
        }
      });
    });

    describe('revocation in this process', () => {
      it('auth.revokeToken ends exactly the sockets of that jti, on every namespace, before it resolves', async () => {
        const auth = testService({ denylistEnabled: true });
        const subscriptions = countSubscriptions(auth);
        const { server, root, admin } = await serve(auth);
        const aliceToken = await auth.createAccessToken({ subject: 'alice', userClaims: { roles: ['admin'] } });
        const alice1 = await open(server, aliceToken);
        const alice2 = await open(server, aliceToken);
        const aliceAdmin = await open(server, aliceToken, '/admin');
        const bob = await open(server, await auth.createAccessToken({ subject: 'bob' }));
        expect([root.liveSessions, admin.liveSessions, subscriptions()]).to.deep.equal([3, 1, 2]);
        const endings = Promise.all([alice1, alice2, aliceAdmin].map(endingOf));

        await auth.revokeToken(aliceToken);
        // Ended synchronously inside revokeToken: the server side is already gone.
        expect(serverDisconnects.sort()).to.deep.equal(['/:alice:server namespace disconnect', '/:alice:server namespace disconnect', '/admin:alice:server namespace disconnect']);
        for (const ending of await endings) expect(ending).to.deep.include({ ended: REVOKED, reason: 'io server disconnect' });
        expect(await subjectOf(bob)).to.equal('bob');
        expect([root.liveSessions, admin.liveSessions, subscriptions()]).to.deep.equal([1, 0, 1]);
      });

      it('the registry empties as sockets leave, sockets refused by a later middleware are never watched, anonymous ones have nothing to end', async () => {
        const auth = testService({ denylistEnabled: true });
        const subscriptions = countSubscriptions(auth);
        const root = pasetoSocketMiddleware({ auth, optional: true });
        const server = await startServer((io) => {
          io.use(root);
          // An application middleware refusing after ours accepted: socket.io drops such a socket
          // without a `disconnect` event.
          io.use((socket, next) => next(socket.handshake.auth.refuse === true ? new Error('refused later') : undefined));
          io.on('connection', (socket) => track(socket, log));
        });
        servers.push(server);
        const token = await auth.createAccessToken({ subject: 'alice' });
        const refused = await tryConnect(clients, server.url, '/', transport, { auth: { token, refuse: true } });
        expect(refused.connected).to.equal(false);
        const sockets = [await open(server, token), await open(server, token), await open(server, await auth.createAccessToken({ subject: 'bob' })), await open(server, undefined)];
        expect(await subjectOf(sockets[3])).to.equal(null);
        expect([root.liveSessions, subscriptions()]).to.deep.equal([3, 1]);

        for (const socket of sockets) socket.close();
        await until(() => root.liveSessions === 0, 'the registry to empty');
        expect(subscriptions()).to.equal(0);
        // Nothing is left to end: revoking now touches no socket and does not throw.
        await auth.revokeToken(token);
      });

      it('a token type revocation is not checked for (not in denylistTokenChecks) keeps its socket, as verification would accept it', async () => {
        const auth = testService({ denylistEnabled: true });
        const { server } = await serve(auth, { type: 'ws-ticket' });
        const ticket = await auth.createToken({ subject: 'alice', type: 'ws-ticket' });
        const socket = await open(server, ticket);
        await auth.revokeToken(ticket);
        expect(await subjectOf(socket)).to.equal('alice');
      });

      it('a throwing disconnect handler is reported to onError; the socket is still ended', async () => {
        const auth = testService({ denylistEnabled: true });
        const errors: unknown[] = [];
        const server = await startServer((io) => {
          io.use(pasetoSocketMiddleware({ auth, onError: (error) => errors.push(error) }));
          io.on('connection', (socket) => {
            track(socket, log);
            socket.on('disconnect', () => {
              throw new Error('handler failed');
            });
          });
        });
        servers.push(server);
        const token = await auth.createAccessToken({ subject: 'alice' });
        const ending = endingOf(await open(server, token));
        await auth.revokeToken(token);
        expect(await ending).to.deep.include({ ended: REVOKED });
        expect(errors.map((error) => (error as Error).message)).to.deep.equal(['handler failed']);
      });
    });

    describe('liveSession options', () => {
      it('{ expiry: false } still ends on revocation; { revocation: false } does not', async () => {
        const auth = testService({ denylistEnabled: true });
        const noExpiry = await serve(auth, { liveSession: { expiry: false } });
        const noRevocation = await serve(auth, { liveSession: { revocation: false } });
        const token = await auth.createAccessToken({ subject: 'alice' });
        const revocable = endingOf(await open(noExpiry.server, token));
        const kept = await open(noRevocation.server, token);
        await auth.revokeToken(token);
        expect(await revocable).to.deep.include({ ended: REVOKED });
        expect(await subjectOf(kept)).to.equal('alice');
      });
    });

    describe('revocations reported by the store (another process, a session, a subject)', () => {
      it('ends the sockets of a revoked token, session or subject at once, others kept', async () => {
        const clock = new TestClock();
        const store = new MemoryDenylist({ clock });
        const auth = testService({ denylistEnabled: true, denylist: store, clock });
        const { server, root } = await serve(auth);
        const byToken = await auth.createAccessToken({ subject: 'carol' });
        const pair = await auth.createTokenPair({ subject: 'alice' });
        const sameSession = await auth.createAccessToken({ subject: 'alice', sessionId: pair.sessionId });
        const bobs = await auth.createTokenPair({ subject: 'bob' });
        const sockets = await Promise.all([byToken, pair.accessToken, sameSession, bobs.accessToken].map((token) => open(server, token)));
        const [tokenEnding, sessionEnding, joinedEnding, bobEnding] = sockets.map((socket) => endingOf(socket));
        const verified = await auth.verifyToken(byToken);
        // "Elsewhere": straight into the store, as another process's revocation reaches this one.
        store.revoke(verified.jti ?? '', verified.expiresAt);
        expect(await tokenEnding).to.deep.include({ ended: REVOKED });
        store.revokeSession(pair.sessionId, null);
        expect(await sessionEnding).to.deep.include({ ended: REVOKED });
        expect(await joinedEnding).to.deep.include({ ended: REVOKED });
        expect(await subjectOf(sockets[3])).to.equal('bob');
        await auth.revokeSubject('bob');
        expect(await bobEnding).to.deep.include({ ended: REVOKED });
        // a token of bob issued after the cut-off opens a socket that stays
        const later = await open(server, await auth.createAccessToken({ subject: 'bob' }));
        expect(await subjectOf(later)).to.equal('bob');
        expect(root.liveSessions).to.equal(1);
      });
    });

    describe('rechecks of a shared denylist (recheckIntervalMs)', () => {
      it('ends a socket whose token another process revoked in the shared store', async () => {
        // A shared store that does not report revocations (no onRevocation): only rechecks find them.
        const memory = new MemoryDenylist();
        const store: DenylistStore = { isRevoked: (token) => memory.isRevoked(token), revoke: (jti, until) => memory.revoke(jti, until) };
        const clock = new TestClock();
        const here = testService({ denylistEnabled: true, denylist: store, clock });
        const { server, root } = await serve(here, { liveSession: { recheckIntervalMs: 50 } });
        const token = await here.createAccessToken({ subject: 'alice' });
        const other = await here.createAccessToken({ subject: 'bob' });
        const socket = await open(server, token);
        const bob = await open(server, other);
        const ending = endingOf(socket);
        const verified = await here.verifyToken(token);
        // "Elsewhere": straight into the store, so this process's onRevoke never hears of it.
        void store.revoke(verified.jti ?? '', verified.expiresAt);
        clock.advance(49);
        expect(await subjectOf(socket)).to.equal('alice');
        clock.advance(1);
        expect(await ending).to.deep.include({ ended: REVOKED, reason: 'io server disconnect' });
        expect(await subjectOf(bob)).to.equal('bob');
        expect(root.liveSessions).to.equal(1);
      });

      it('a failing store keeps the sockets, reports to onError, and is asked again on the next pass', async () => {
        let down = false;
        let revoked = false;
        const store: DenylistStore = {
          isRevoked: () => {
            if (down) throw new Error('redis down');
            return revoked;
          },
          revoke: () => undefined,
        };
        const clock = new TestClock();
        const auth = testService({ denylistEnabled: true, denylist: store, clock });
        const errors: unknown[] = [];
        const { server } = await serve(auth, { liveSession: { recheckIntervalMs: 30 }, onError: (error) => errors.push(error) });
        const socket = await open(server, await auth.createAccessToken({ subject: 'alice' }));
        await open(server, await auth.createAccessToken({ subject: 'bob' }));
        const ending = endingOf(socket);
        down = true;
        // Several passes, one report each (the pass stops at the first failure).
        for (let pass = 1; pass <= 3; pass += 1) {
          clock.advance(30);
          await until(() => errors.length === pass, `failed pass ${pass}`);
        }
        expect(await subjectOf(socket)).to.equal('alice');
        for (const error of errors) expect(error).to.be.instanceOf(AuthPasetoError).and.include({ code: 'denylist_unavailable' });
        revoked = true;
        down = false;
        clock.advance(30);
        expect(await ending).to.deep.include({ ended: REVOKED });
      });
    });

    describe('socket-controllers', () => {
      it('an ended session runs @OnDisconnect', async () => {
        events.length = 0;
        const auth = testService({ denylistEnabled: true });
        const LiveAuth = createPasetoSocketMiddleware({ auth, namespace: '/live' });
        const server = await startServer((io) => {
          new SocketControllers({ io, container: Container, controllers: [LiveController], middlewares: [LiveAuth] });
        });
        servers.push(server);
        const token = await auth.createAccessToken({ subject: 'alice' });
        const result = await tryConnect(clients, server.url, '/live', transport, { auth: { token } });
        if (!result.connected) expect.fail(result.message);
        const ending = endingOf(result.socket);
        await until(() => events.length === 1, '@OnConnect');
        await auth.revokeToken(token);
        expect(await ending).to.deep.include({ ended: REVOKED });
        expect(events).to.deep.equal(['connect:alice', 'disconnect:alice']);
      });
    });
  });
}

describe('liveSession option validation', () => {
  it('defaults to expiry and revocation without rechecks; false or both rules off is off', () => {
    expect(resolveLiveSession(undefined)).to.deep.equal({ expiry: true, revocation: true, recheckIntervalMs: undefined, warnBeforeMs: undefined });
    expect(resolveLiveSession(true)).to.deep.equal({ expiry: true, revocation: true, recheckIntervalMs: undefined, warnBeforeMs: undefined });
    expect(resolveLiveSession({ recheckIntervalMs: 5000 })).to.deep.equal({ expiry: true, revocation: true, recheckIntervalMs: 5000, warnBeforeMs: undefined });
    expect(resolveLiveSession(false)).to.equal(undefined);
    expect(resolveLiveSession({ expiry: false, revocation: false })).to.equal(undefined);
  });

  it('refuses a bad recheckIntervalMs, or one without revocation, when the middleware is created', () => {
    for (const recheckIntervalMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]) {
      expect(() => pasetoSocketMiddleware({ liveSession: { recheckIntervalMs } }), String(recheckIntervalMs)).to.throw(PasetoConfigError, /liveSession\.recheckIntervalMs/);
    }
    expect(() => pasetoSocketMiddleware({ liveSession: { revocation: false, recheckIntervalMs: 1000 } })).to.throw(PasetoConfigError, /revocation: false/);
  });
});
