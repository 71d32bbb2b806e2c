/**
 * Per-event guards (option `events`) over real socket.io servers and clients, on both transports:
 * a refused event never reaches its handler, the socket stays, and no packet costs a verification.
 */
import { expect } from 'chai';
import type { Socket as ClientSocket } from 'socket.io-client';
import { ErrorMessages, PasetoConfigError } from '../../src/errors';
import type { PasetoAuthService } from '../../src/service';
import { pasetoSocketMiddleware, type PasetoSocketMiddlewareOptions } from '../../src/socket/middleware';
import { SOCKET_EVENT_REFUSED_EVENT, type SocketEventRefusedData } from '../../src/socket/names';
import { TestClock } from '../../src/testing/clock';
import { closeClients, startServer, testService, tryConnect, TRANSPORTS, until, type ClientSet, type TestServer } from './helpers';

const EVENTS = {
  'admin:*': { roles: ['admin'] },
  transfer: { fresh: true, anyRole: ['owner', 'admin'] },
  'admin:motd': {},
} as const;

const refusal = (code: string, status: number, message: string) => ({ error: { code, status, message } });
const ROLE = refusal('insufficient_role', 403, ErrorMessages.insufficientRole);

for (const transport of TRANSPORTS) {
  describe(`socket per-event guards over ${transport}`, () => {
    const clients: ClientSet = new Set();
    const servers: TestServer[] = [];
    let clock: TestClock;
    let auth: PasetoAuthService;
    let handled: string[];

    beforeEach(() => {
      clock = new TestClock();
      auth = testService({ denylistEnabled: true, clock });
      handled = [];
    });
    afterEach(async () => {
      closeClients(clients);
      await Promise.all(servers.splice(0).map((server) => server.close()));
    });

    async function serve(options: Omit<PasetoSocketMiddlewareOptions, 'auth'> = {}): Promise<TestServer> {
      const server = await startServer((io) => {
        io.use(pasetoSocketMiddleware({ auth, events: EVENTS, ...options }));
        io.on('connection', (socket) => {
          for (const event of ['admin:stats', 'admin:motd', 'transfer', 'public']) {
            socket.on(event, (...args: unknown[]) => {
              handled.push(event);
              const ack = args[args.length - 1];
              if (typeof ack === 'function') ack('done');
            });
          }
        });
      });
      servers.push(server);
      return server;
    }
    async function open(server: TestServer, token?: string): Promise<ClientSocket> {
      const result = await tryConnect(clients, server.url, '/', transport, token === undefined ? {} : { auth: { token } });
      if (!result.connected) return expect.fail(`refused: ${result.message}`);
      return result.socket;
    }
    const send = (socket: ClientSocket, event: string) => socket.timeout(5000).emitWithAck(event, { amount: 1 });

    it('exact names and trailing-* prefixes; roles, anyRole and fresh; the ack gets { error }, the handler never runs', async () => {
      const server = await serve();
      const member = await open(server, await auth.createAccessToken({ subject: 'bob', userClaims: { roles: ['member', 'owner'] } }));
      expect(await send(member, 'admin:stats')).to.deep.equal(ROLE);
      // An exact rule wins over the prefix: admin:motd asks nothing more.
      expect(await send(member, 'admin:motd')).to.equal('done');
      expect(await send(member, 'transfer')).to.deep.equal(refusal('fresh_token_required', 401, ErrorMessages.notFresh));
      expect(await send(member, 'public')).to.equal('done');
      expect(handled).to.deep.equal(['admin:motd', 'public']);
      expect(member.connected).to.equal(true);

      const admin = await open(server, await auth.createAccessToken({ subject: 'alice', fresh: true, userClaims: { roles: ['admin'] } }));
      expect([await send(admin, 'admin:stats'), await send(admin, 'transfer')]).to.deep.equal(['done', 'done']);
    });

    it('without an ack, the client receives paseto:event_refused with the event name', async () => {
      const server = await serve();
      const member = await open(server, await auth.createAccessToken({ subject: 'bob' }));
      const refused = new Promise<SocketEventRefusedData>((resolve) => member.once(SOCKET_EVENT_REFUSED_EVENT, resolve));
      member.emit('admin:stats', { x: 1 });
      expect(await refused).to.deep.equal({ event: 'admin:stats', code: 'insufficient_role', status: 403, message: ErrorMessages.insufficientRole });
      expect(handled).to.deep.equal([]);
    });

    it('after the token expires (test clock) every event is refused with token_expired, in memory; the socket stays', async () => {
      // Expiry does not end this socket, so its packets keep arriving after exp.
      const server = await serve({ liveSession: { expiry: false } });
      const token = await auth.createAccessToken({ subject: 'alice', expiresIn: 60, userClaims: { roles: ['admin'] } });
      const socket = await open(server, token);
      expect(await send(socket, 'admin:stats')).to.equal('done');
      clock.set((await auth.verifyToken(token)).expiresAt!.getTime() + 1);
      const expired = refusal('token_expired', 401, ErrorMessages.expired);
      expect(await send(socket, 'admin:stats')).to.deep.equal(expired);
      expect(await send(socket, 'public')).to.deep.equal(expired);
      expect(handled).to.deep.equal(['admin:stats']);
      expect(socket.connected).to.equal(true);
    });

    it('a flood on a guarded name: every packet refused and answered, none handled, no verification, the socket stays', async () => {
      const server = await serve();
      const member = await open(server, await auth.createAccessToken({ subject: 'bob' }));
      let verifications = 0;
      const authenticate = auth.authenticate.bind(auth);
      auth.authenticate = (...args) => {
        verifications += 1;
        return authenticate(...args);
      };
      const answers = await Promise.all(Array.from({ length: 500 }, () => send(member, 'admin:stats')));
      expect(answers.every((answer) => JSON.stringify(answer) === JSON.stringify(ROLE))).to.equal(true);
      let refusedEvents = 0;
      member.on(SOCKET_EVENT_REFUSED_EVENT, () => (refusedEvents += 1));
      for (let index = 0; index < 500; index += 1) member.emit('admin:stats');
      await until(() => refusedEvents === 500, 'every refusal without ack');
      expect(handled).to.deep.equal([]);
      expect(verifications).to.equal(0);
      expect(await send(member, 'public')).to.equal('done');
    });

    it('an anonymous socket of an optional namespace: guarded events are token_missing, others pass', async () => {
      const server = await serve({ optional: true });
      const anonymous = await open(server);
      expect(await send(anonymous, 'admin:stats')).to.deep.equal(refusal('token_missing', 401, ErrorMessages.tokenMissing));
      expect(await send(anonymous, 'public')).to.equal('done');
    });
  });
}

describe('socket per-event guards: validated at creation', () => {
  const fieldOf = (events: unknown): string => {
    try {
      pasetoSocketMiddleware({ events: events as never });
    } catch (error) {
      expect(error).to.be.instanceOf(PasetoConfigError);
      return (error as PasetoConfigError).field;
    }
    return expect.fail('expected a PasetoConfigError');
  };

  it('names a malformed map, name or rule', () => {
    expect(fieldOf(['admin:*'])).to.equal('events');
    expect(fieldOf({ 'a*b': {} })).to.equal('events.a*b');
    expect(fieldOf({ transfer: { role: ['admin'] } })).to.equal('events.transfer.role');
    expect(fieldOf({ transfer: { roles: 'admin' } })).to.equal('events.transfer.roles');
    expect(fieldOf({ transfer: { fresh: 'yes' } })).to.equal('events.transfer.fresh');
    expect(fieldOf({ transfer: null })).to.equal('events.transfer');
    expect(fieldOf({ 'paseto:reauth': {} })).to.equal('events.paseto:reauth');
    expect(() => pasetoSocketMiddleware({ events: { '*': {}, 'admin:*': { roles: ['admin'] }, transfer: { fresh: true, type: 'access' } } })).to.not.throw();
  });
});
