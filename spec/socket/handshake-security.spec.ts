/**
 * Handshake security over a real socket.io server and client on loopback: revocation racing the
 * handshake, ambiguous query tokens, odd `auth` values, and the origin check of cookie-borne tokens.
 */
import { expect } from 'chai';
import type { Socket as ClientSocket } from 'socket.io-client';
import { AuthPasetoError, ErrorMessages, PasetoConfigError } from '../../src/errors';
import { MemoryDenylist } from '../../src/denylist/memory';
import type { DenylistStore } from '../../src/denylist/store';
import type { PasetoAuthService } from '../../src/service';
import { getSocketAuth, pasetoSocketMiddleware, SOCKET_ORIGIN_NOT_ALLOWED_MESSAGE, type PasetoSocketMiddlewareFunction, type PasetoSocketMiddlewareOptions } from '../../src/socket/middleware';
import { SOCKET_SESSION_ENDED_EVENT, type SocketSessionEndedData } from '../../src/socket/live-session';
import { closeClients, countSubscriptions, expected, refusalOf, startServer, testService, tryConnect, TRANSPORTS, until, type ClientOptions, type ClientSet, type TestServer } from './helpers';
import { Refused } from './fixtures';

const REVOKED: SocketSessionEndedData = { code: 'token_revoked', status: 401, message: ErrorMessages.revoked };

/** A promise and its resolver. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** How a client's session ended, as it saw it: the {@link SOCKET_SESSION_ENDED_EVENT} payload (if any) and the disconnect reason. */
interface Fate {
  readonly ended: SocketSessionEndedData | undefined;
  readonly reason: string;
}

/**
 * Starts recording a client's fate at once (an ending may arrive in the same batch as the
 * connection): resolves when the client is disconnected. No time bound: mocha's timeout is the only one.
 */
function watchFate(socket: ClientSocket): Promise<Fate> {
  let ended: SocketSessionEndedData | undefined;
  socket.on(SOCKET_SESSION_ENDED_EVENT, (data: SocketSessionEndedData) => {
    ended = data;
  });
  return new Promise<Fate>((resolve) => socket.once('disconnect', (reason) => resolve({ ended, reason })));
}


for (const transport of TRANSPORTS) {
  describe(`socket handshake security over ${transport}`, function () {
    const clients: ClientSet = new Set();
    const servers: TestServer[] = [];
    afterEach(async () => {
      closeClients(clients);
      await Promise.all(servers.splice(0).map((server) => server.close()));
    });

    async function serve(setup: Parameters<typeof startServer>[0]): Promise<TestServer> {
      const server = await startServer(setup);
      servers.push(server);
      return server;
    }
    const fates = new Map<ClientSocket, Promise<Fate>>();
    const connect = (server: TestServer, options: ClientOptions, nsp = '/') =>
      tryConnect(clients, server.url, nsp, transport, options, (socket) => fates.set(socket, watchFate(socket)));
    const fateOf = (socket: ClientSocket) => fates.get(socket)!;

    describe('a token revoked during the handshake', () => {
      /**
       * A server whose `/` runs our middleware, optionally a slow `userLoader` and a slow later
       * middleware; `inside` opens when the handshake reaches the slow step, which then waits for `release`.
       */
      async function slowHandshake(auth: PasetoAuthService, where: 'userLoader' | 'later middleware', options: Omit<PasetoSocketMiddlewareOptions, 'auth'> = {}) {
        const inside = gate();
        const release = gate();
        const connections: string[] = [];
        const middleware = pasetoSocketMiddleware({
          auth,
          ...options,
          userLoader:
            where === 'userLoader'
              ? async (verified) => {
                  inside.open();
                  await release.promise; // e.g. a database lookup
                  return { id: verified.subject };
                }
              : undefined,
        });
        const server = await serve((io) => {
          io.use(middleware);
          if (where === 'later middleware') {
            io.use((socket, next) => {
              inside.open();
              // e.g. a rate limiter or a session store; `refuse` makes it refuse the socket.
              void release.promise.then(() => next(socket.handshake.auth.refuse === true ? new Error('refused later') : undefined));
            });
          }
          io.on('connection', (socket) => {
            connections.push(String(getSocketAuth(socket)?.subject));
            socket.on('whoami', (ack: (s: unknown) => void) => ack(getSocketAuth(socket)?.subject ?? null));
          });
        });
        return { server, middleware, inside, release, connections };
      }

      it('revoked while the userLoader runs: refused with token_revoked, the connection handler never runs, nothing is left registered', async () => {
        const auth = testService({ denylistEnabled: true });
        const subscriptions = countSubscriptions(auth);
        const { server, middleware, inside, release, connections } = await slowHandshake(auth, 'userLoader');
        const token = await auth.createAccessToken({ subject: 'alice' });
        const connecting = connect(server, { auth: { token } });
        await inside.promise;
        // The handshake holds the jti while the loader runs.
        expect(subscriptions()).to.equal(1);
        await auth.revokeToken(token); // the user logs out / an admin revokes the session
        release.open();
        expect(refusalOf(await connecting)).to.deep.equal(expected(Refused.revoked));
        expect(connections).to.deep.equal([]);
        expect([middleware.liveSessions, subscriptions()]).to.deep.equal([0, 0]);
      });

      it('revoked while a later middleware runs: the socket is ended as soon as it connects (session_ended, server disconnect)', async () => {
        const auth = testService({ denylistEnabled: true });
        const subscriptions = countSubscriptions(auth);
        const { server, middleware, inside, release } = await slowHandshake(auth, 'later middleware');
        const token = await auth.createAccessToken({ subject: 'alice' });
        const connecting = connect(server, { auth: { token } });
        await inside.promise;
        await auth.revokeToken(token);
        release.open();
        const result = await connecting;
        // Either outcome is safe; this implementation connects, then ends the session at once.
        if (!result.connected) return expect(refusalOf(result)).to.deep.equal(expected(Refused.revoked));
        expect(await fateOf(result.socket)).to.deep.equal({ ended: REVOKED, reason: 'io server disconnect' });
        await until(() => middleware.liveSessions === 0 && subscriptions() === 0, 'the registry to empty');
      });

      it('revoked by another process (straight into the shared store) while a later middleware runs: ended on connection, without rechecks', async () => {
        const store = new MemoryDenylist();
        const auth = testService({ denylistEnabled: true, denylist: store });
        const { server, inside, release } = await slowHandshake(auth, 'later middleware');
        const token = await auth.createAccessToken({ subject: 'alice' });
        const connecting = connect(server, { auth: { token } });
        await inside.promise;
        const verified = await auth.verifyToken(token);
        store.revoke(verified.jti ?? '', verified.expiresAt);
        release.open();
        const result = await connecting;
        if (!result.connected) return expect.fail(`refused: ${result.message}`);
        expect(await fateOf(result.socket)).to.deep.include({ ended: REVOKED });
      });

      it('a token not revoked keeps its socket; one revoked after the handshake still ends at once', async () => {
        const auth = testService({ denylistEnabled: true });
        const { server, middleware, inside, release } = await slowHandshake(auth, 'userLoader');
        const token = await auth.createAccessToken({ subject: 'alice' });
        const connecting = connect(server, { auth: { token } });
        await inside.promise;
        release.open();
        const result = await connecting;
        if (!result.connected) return expect.fail(`refused: ${result.message}`);
        expect(await result.socket.timeout(2000).emitWithAck('whoami')).to.equal('alice');
        expect(middleware.liveSessions).to.equal(1);
        const fate = fateOf(result.socket);
        await auth.revokeToken(token);
        expect(await fate).to.deep.include({ ended: REVOKED });
      });

      it('a socket refused by a later middleware leaves nothing registered, revoked meanwhile or not', async () => {
        const auth = testService({ denylistEnabled: true });
        const subscriptions = countSubscriptions(auth);
        const { server, middleware, inside, release } = await slowHandshake(auth, 'later middleware');
        const token = await auth.createAccessToken({ subject: 'alice' });
        const connecting = connect(server, { auth: { token, refuse: true } });
        await inside.promise;
        release.open();
        expect(refusalOf(await connecting)).to.deep.equal({ message: 'refused later', data: undefined });
        expect([middleware.liveSessions, subscriptions()]).to.deep.equal([0, 0]);
        await auth.revokeToken(token);
        expect([middleware.liveSessions, subscriptions()]).to.deep.equal([0, 0]);
      });

      it('the store failing on the check at connection keeps the socket and tells onError (as a failing recheck)', async () => {
        let calls = 0;
        const store: DenylistStore = {
          isRevoked: () => {
            calls += 1;
            // The handshake's own check answers; the one at connection fails.
            if (calls > 1) throw new Error('redis down');
            return false;
          },
          revoke: () => undefined,
        };
        const auth = testService({ denylistEnabled: true, denylist: store });
        const errors: unknown[] = [];
        const server = await serve((io) => {
          io.use(pasetoSocketMiddleware({ auth, onError: (error) => errors.push(error) }));
          io.on('connection', (socket) => socket.on('whoami', (ack: (s: unknown) => void) => ack(getSocketAuth(socket)?.subject ?? null)));
        });
        const result = await connect(server, { auth: { token: await auth.createAccessToken({ subject: 'alice' }) } });
        if (!result.connected) return expect.fail(`refused: ${result.message}`);
        await until(() => errors.length === 1, 'onError');
        expect(errors[0]).to.be.instanceOf(AuthPasetoError).and.include({ code: 'denylist_unavailable' });
        expect(await result.socket.timeout(2000).emitWithAck('whoami')).to.equal('alice');
      });

      it('liveSession: false (single-use tickets) is not re-checked: revoking the ticket on connection keeps the socket', async () => {
        const auth = testService({ denylistEnabled: true, denylistTokenChecks: ['access', 'ws-ticket'] });
        const revocations: Promise<unknown>[] = [];
        const server = await serve((io) => {
          io.use(pasetoSocketMiddleware({ auth, type: 'ws-ticket', liveSession: false }));
          io.on('connection', (socket) => {
            revocations.push(auth.revokeToken(getSocketAuth(socket)!));
            socket.on('whoami', (ack: (s: unknown) => void) => ack(getSocketAuth(socket)?.subject ?? null));
          });
        });
        const ticket = await auth.createToken({ subject: 'alice', type: 'ws-ticket', expiresIn: 30 });
        const first = await connect(server, { auth: { token: ticket } });
        if (!first.connected) return expect.fail(`refused: ${first.message}`);
        // The revocation is done (a live session would have been ended inside it); a round trip
        // after it proves the socket was kept, with no waiting for something not to happen.
        await Promise.all(revocations);
        expect(await first.socket.timeout(2000).emitWithAck('whoami')).to.equal('alice');
        expect(first.socket.connected).to.equal(true);
        expect(refusalOf(await connect(server, { auth: { token: ticket } }))).to.deep.equal(expected(Refused.revoked));
      });
    });

    describe('allowedOrigins', () => {
      async function guarded(options: Omit<PasetoSocketMiddlewareOptions, 'auth'>): Promise<{ server: TestServer; auth: PasetoAuthService; middleware: PasetoSocketMiddlewareFunction }> {
        const auth = testService();
        const middleware = pasetoSocketMiddleware({ auth, allowedOrigins: ['https://App.example.com/', 'http://localhost:3000'], ...options });
        const server = await serve((io) => io.use(middleware));
        return { server, auth, middleware };
      }
      const ORIGIN_REFUSED = { message: SOCKET_ORIGIN_NOT_ALLOWED_MESSAGE, data: { code: 'csrf_failed', status: 401 } };

      it('accepts listed origins and clients without Origin; refuses other origins, "null", and cross-site browser requests without Origin', async () => {
        const { server, auth } = await guarded({});
        const token = await auth.createAccessToken({ subject: 'alice' });
        const outcome = async (headers: Record<string, string>) => refusalOf(await connect(server, { auth: { token }, headers }));
        expect(await outcome({ origin: 'https://app.example.com' })).to.equal('connected');
        expect(await outcome({ origin: 'http://localhost:3000' })).to.equal('connected');
        expect(await outcome({})).to.equal('connected'); // a Node client
        expect(await outcome({ 'sec-fetch-site': 'same-origin' })).to.equal('connected'); // a same-origin polling GET
        expect(await outcome({ origin: 'https://evil.example' })).to.deep.equal(ORIGIN_REFUSED);
        expect(await outcome({ origin: 'https://app.example.com.evil.example' })).to.deep.equal(ORIGIN_REFUSED);
        expect(await outcome({ origin: 'http://app.example.com' })).to.deep.equal(ORIGIN_REFUSED);
        expect(await outcome({ origin: 'null' })).to.deep.equal(ORIGIN_REFUSED);
        expect(await outcome({ 'sec-fetch-site': 'cross-site' })).to.deep.equal(ORIGIN_REFUSED);
        expect(await outcome({ 'sec-fetch-site': 'same-site' })).to.deep.equal(ORIGIN_REFUSED);
      });

      it('is checked before the token: a cookie-borne token from another origin is refused, in an optional namespace too; statusCodes apply', async () => {
        const auth = testService({ statusCodes: { csrf_failed: 403 } });
        const token = await auth.createAccessToken({ subject: 'alice' });
        const cookieToken = (handshake: { headers?: Readonly<Record<string, string | string[] | undefined>> | null }) =>
          /(?:^|;\s*)session=([^;]+)/.exec(String(handshake.headers?.cookie ?? ''))?.[1];
        const server = await serve((io) => {
          io.use(pasetoSocketMiddleware({ auth, token: cookieToken, allowedOrigins: ['https://app.example.com'] }));
          io.of('/public').use(pasetoSocketMiddleware({ auth, optional: true, allowedOrigins: ['https://app.example.com'] }));
        });
        const headers = { cookie: `session=${token}` };
        expect(refusalOf(await connect(server, { headers: { ...headers, origin: 'https://app.example.com' } }))).to.equal('connected');
        expect(refusalOf(await connect(server, { headers: { ...headers, origin: 'https://evil.example' } }))).to.deep.equal({
          message: SOCKET_ORIGIN_NOT_ALLOWED_MESSAGE,
          data: { code: 'csrf_failed', status: 403 },
        });
        expect(refusalOf(await connect(server, { headers: { origin: 'https://evil.example' } }, '/public'))).to.deep.equal({
          message: SOCKET_ORIGIN_NOT_ALLOWED_MESSAGE,
          data: { code: 'csrf_failed', status: 403 },
        });
      });
    });
  });
}

describe('socket handshake security: raw handshakes', function () {
  const clients: ClientSet = new Set();
  const servers: TestServer[] = [];
  afterEach(async () => {
    closeClients(clients);
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  /** A raw polling handshake to `/` with `query` as given (socket.io-client would merge duplicate keys): `connected` or the refusal's code. */
  async function rawPolling(server: TestServer, query: string): Promise<string> {
    const base = `${server.url}/socket.io/?EIO=4&transport=polling&${query}`;
    const { sid } = JSON.parse((await (await fetch(base)).text()).slice(1)) as { sid: string };
    await fetch(`${base}&sid=${sid}`, { method: 'POST', body: '40' });
    const packet = await (await fetch(`${base}&sid=${sid}`)).text();
    return packet.startsWith('44') ? (JSON.parse(packet.slice(2)) as { data: { code: string } }).data.code : packet.startsWith('40') ? 'connected' : packet;
  }

  it('two ?token= values are refused as ambiguous (bad_header, as on HTTP), whichever comes first; one value connects', async () => {
    const auth = testService();
    const server = await startServer((io) => io.use(pasetoSocketMiddleware({ auth, location: ['query'] })));
    servers.push(server);
    const good = encodeURIComponent(await auth.createAccessToken({ subject: 'alice' }));
    const answers: string[] = [];
    for (const query of [`token=${good}&token=junk`, `token=junk&token=${good}`, `token=${good}&token=${good}`, `token=${good}`]) {
      answers.push(await rawPolling(server, query));
    }
    expect(answers).to.deep.equal(['bad_header', 'bad_header', 'bad_header', 'connected']);
  });

  it('regression: odd handshake auth values (object, array, boolean, blank) are bad_header, never internal_error, and the server keeps serving', async () => {
    const auth = testService();
    const server = await startServer((io) => io.use(pasetoSocketMiddleware({ auth })));
    servers.push(server);
    const codes: Record<string, unknown> = {};
    const odd: Record<string, unknown> = {
      object: { toString: 'x' },
      array: ['v4.local.AAAA'],
      nested: [[await auth.createAccessToken({ subject: 'alice' })]],
      boolean: true,
      empty: '',
      spaces: '   ',
      proto: JSON.parse('{"__proto__":"x"}'),
    };
    for (const [name, token] of Object.entries(odd)) {
      const result = await tryConnect(clients, server.url, '/', 'websocket', { auth: { token } });
      codes[name] = result.connected ? 'connected' : (result.data as { code: string }).code;
    }
    expect(codes).to.deep.equal({
      object: 'bad_header',
      array: 'bad_header',
      nested: 'bad_header',
      boolean: 'bad_header',
      empty: 'bad_header',
      spaces: 'bad_header',
      proto: 'bad_header',
    });
    const ok = await tryConnect(clients, server.url, '/', 'websocket', { auth: { token: await auth.createAccessToken({ subject: 'alice' }) } });
    expect(ok.connected).to.equal(true);
  });

  it('allowedOrigins must be a list of origins, checked when the middleware is created', () => {
    for (const bad of [['*'], ['app.example.com'], ['file:///tmp/x'], [42], 'https://app.example.com']) {
      expect(() => pasetoSocketMiddleware({ auth: testService(), allowedOrigins: bad as string[] }), JSON.stringify(bad)).to.throw(PasetoConfigError, /allowedOrigins/);
    }
    expect(() => pasetoSocketMiddleware({ auth: testService(), allowedOrigins: [] })).to.not.throw();
  });
});
