/**
 * In-band re-authentication (`paseto:reauth`) and the session warning (`paseto:session_expiring`)
 * over real socket.io servers and clients, on both transports. Time is a TestClock: tokens are
 * minted at real time (the service's own clock), and the test clock starts at real now.
 */
import { expect } from 'chai';
import type { Socket as ClientSocket } from 'socket.io-client';
import { ErrorMessages } from '../../src/errors';
import type { PasetoAuthService } from '../../src/service';
import { getSocketAuth, getSocketUser, pasetoSocketMiddleware, type PasetoSocketMiddlewareOptions } from '../../src/socket/middleware';
import {
  SOCKET_EVENT_REFUSED_EVENT,
  SOCKET_EXPIRING_EVENT,
  SOCKET_REAUTH_EVENT,
  SOCKET_SESSION_ENDED_EVENT,
  type SocketEventRefusedData,
  type SocketExpiringData,
  type SocketReauthResult,
} from '../../src/socket/names';
import { keepSocketAuthenticated } from '../../src/socket/client';
import { REAUTH_BURST, REAUTH_REFILL_MS, SOCKET_REAUTH_ACK_REQUIRED_MESSAGE } from '../../src/socket/reauth';
import { TestClock } from '../../src/testing/clock';
import { closeClients, startServer, testService, tryConnect, TRANSPORTS, until, type ClientSet, type TestServer } from './helpers';

interface Me {
  subject: string | number | null;
  jti: string | null;
  user: unknown;
}

for (const transport of TRANSPORTS) {
  describe(`socket re-authentication over ${transport}`, () => {
    const clients: ClientSet = new Set();
    const servers: TestServer[] = [];
    let clock: TestClock;
    let auth: PasetoAuthService;
    let loads: Array<string | null>;
    let disconnects: string[];

    beforeEach(() => {
      clock = new TestClock();
      auth = testService({ denylistEnabled: true, clock });
      loads = [];
      disconnects = [];
    });
    afterEach(async () => {
      closeClients(clients);
      await Promise.all(servers.splice(0).map((server) => server.close()));
    });

    async function serve(options: Omit<PasetoSocketMiddlewareOptions, 'auth'> = {}): Promise<TestServer> {
      const server = await startServer((io) => {
        io.use(
          pasetoSocketMiddleware({
            auth,
            userLoader: (token) => {
              loads.push(token.jti);
              return { name: String(token.subject), jti: token.jti };
            },
            ...options,
          }),
        );
        io.on('connection', (socket) => {
          socket.on('me', (ack: (me: Me) => void) => ack({ subject: getSocketAuth(socket)?.subject ?? null, jti: getSocketAuth(socket)?.jti ?? null, user: getSocketUser(socket) }));
          socket.on('disconnect', (reason) => disconnects.push(reason));
        });
      });
      servers.push(server);
      return server;
    }
    async function open(server: TestServer, token: string): Promise<ClientSocket> {
      const result = await tryConnect(clients, server.url, '/', transport, { auth: { token } });
      if (!result.connected) return expect.fail(`refused: ${result.message}`);
      return result.socket;
    }
    const me = (socket: ClientSocket) => socket.timeout(5000).emitWithAck('me') as Promise<Me>;
    const reauth = (socket: ClientSocket, payload: unknown) => socket.timeout(5000).emitWithAck(SOCKET_REAUTH_EVENT, payload) as Promise<SocketReauthResult>;
    const jtiOf = async (token: string) => (await auth.verifyToken(token)).jti;
    const deadlineOf = async (token: string) => (await auth.verifyToken(token)).expiresAt!.getTime();

    it('a token of the same subject replaces the session: new token and user, expiry and revocation watch move to it', async () => {
      const server = await serve();
      const first = await auth.createAccessToken({ subject: 'alice', expiresIn: 60 });
      const second = await auth.createAccessToken({ subject: 'alice', expiresIn: 600 });
      const socket = await open(server, first);
      const ended: unknown[] = [];
      socket.on(SOCKET_SESSION_ENDED_EVENT, (data) => ended.push(data));

      const result = await reauth(socket, { token: second });
      const secondVerified = await auth.verifyToken(second);
      expect(result).to.deep.equal({ ok: true, expiresAt: secondVerified.expiresAt!.toISOString() });
      expect(await me(socket)).to.deep.equal({ subject: 'alice', jti: secondVerified.jti, user: { name: 'alice', jti: secondVerified.jti } });
      expect(loads).to.deep.equal([await jtiOf(first), secondVerified.jti]);

      // The old token's end no longer ends the socket; nor does its revocation.
      const firstVerified = await auth.verifyToken(first);
      clock.set((await deadlineOf(first)) + 1);
      await auth.revokeToken(firstVerified);
      expect(await me(socket)).to.include({ jti: secondVerified.jti });
      expect(disconnects).to.deep.equal([]);
      // The new token's revocation does.
      const ending = new Promise((resolve) => socket.once('disconnect', resolve));
      await auth.revokeToken(second);
      await ending;
      expect(ended).to.deep.equal([{ code: 'token_revoked', status: 401, message: ErrorMessages.revoked }]);
    });

    it('another subject is subject_mismatch (400); a revoked, expired or not-required token fails with its code; the session is unchanged', async () => {
      const server = await serve({ roles: ['member'] });
      const claims = { userClaims: { roles: ['member'] } };
      const first = await auth.createAccessToken({ subject: 'alice', expiresIn: 60, ...claims });
      const socket = await open(server, first);
      const firstJti = await jtiOf(first);
      // One attempt per refill period, so the rate limit stays out of the way.
      const attempt = (payload: unknown) => {
        clock.advance(REAUTH_REFILL_MS);
        return reauth(socket, payload);
      };

      const mallory = await auth.createAccessToken({ subject: 'mallory', ...claims });
      expect(await attempt( { token: mallory })).to.deep.equal({ ok: false, code: 'subject_mismatch', status: 400, message: "Token subject does not match the socket's" });
      const revoked = await auth.createAccessToken({ subject: 'alice', ...claims });
      await auth.revokeToken(revoked);
      expect(await attempt( { token: revoked })).to.deep.equal({ ok: false, code: 'token_revoked', status: 401, message: ErrorMessages.revoked });
      const noRole = await auth.createAccessToken({ subject: 'alice' });
      expect(await attempt( { token: noRole })).to.deep.equal({ ok: false, code: 'insufficient_role', status: 403, message: ErrorMessages.insufficientRole });
      const refresh = await auth.createRefreshToken({ subject: 'alice', ...claims });
      expect(await attempt( { token: refresh })).to.include({ ok: false, code: 'wrong_token_type' });
      expect(await attempt( {})).to.deep.equal({ ok: false, code: 'token_missing', status: 401, message: ErrorMessages.tokenMissing });
      expect(await attempt( { token: 'not a token' })).to.include({ ok: false, code: 'bad_header' });
      expect(await attempt( 'garbage')).to.include({ ok: false, code: 'token_missing' });

      expect(await me(socket)).to.include({ jti: firstJti });
      expect(loads).to.deep.equal([firstJti]);
      // Still ends at the old token's expiry.
      const ending = new Promise((resolve) => socket.once('disconnect', resolve));
      clock.set((await deadlineOf(first)) + 1);
      await ending;
    });

    it('in an optional namespace: an expired token is token_expired (never anonymity); an anonymous socket cannot re-authenticate', async () => {
      const server = await serve({ optional: true });
      const socket = await open(server, await auth.createAccessToken({ subject: 'alice' }));
      const expired = await auth.createAccessToken({ subject: 'alice', expiresIn: new Date(Date.now() - 5000) });
      expect(await reauth(socket, { token: expired })).to.deep.equal({ ok: false, code: 'token_expired', status: 401, message: ErrorMessages.expired });
      const anonymous = await tryConnect(clients, server.url, '/', transport, {});
      if (!anonymous.connected) return expect.fail('anonymous refused');
      expect(await reauth(anonymous.socket, { token: await auth.createAccessToken({ subject: 'alice' }) })).to.include({ ok: false, code: 'subject_mismatch' });
    });

    it('a re-auth packet without an acknowledgement is answered with paseto:event_refused and changes nothing', async () => {
      const server = await serve();
      const first = await auth.createAccessToken({ subject: 'alice' });
      const socket = await open(server, first);
      const refused = new Promise<SocketEventRefusedData>((resolve) => socket.once(SOCKET_EVENT_REFUSED_EVENT, resolve));
      socket.emit(SOCKET_REAUTH_EVENT, { token: await auth.createAccessToken({ subject: 'alice' }) });
      expect(await refused).to.deep.equal({ event: SOCKET_REAUTH_EVENT, code: 'invalid_argument', status: 400, message: SOCKET_REAUTH_ACK_REQUIRED_MESSAGE });
      expect(await me(socket)).to.include({ jti: await jtiOf(first) });
    });

    it('a flood of bad tokens is rate limited per socket: every packet answered, one verification per allowed attempt', async () => {
      const server = await serve();
      const socket = await open(server, await auth.createAccessToken({ subject: 'alice' }));
      const other = await open(server, await auth.createAccessToken({ subject: 'bob' }));
      let verifications = 0;
      const authenticate = auth.authenticate.bind(auth);
      auth.authenticate = (...args) => {
        verifications += 1;
        return authenticate(...args);
      };
      const answers = await Promise.all(Array.from({ length: 40 }, (_, index) => reauth(socket, { token: `v4.local.forged${index}` })));
      const codes = answers.map((answer) => (answer.ok ? 'ok' : answer.code));
      expect(codes.filter((code) => code === 'invalid_token')).to.have.length(REAUTH_BURST);
      expect(codes.filter((code) => code === 'rate_limited')).to.have.length(40 - REAUTH_BURST);
      expect(answers.find((answer) => !answer.ok && answer.code === 'rate_limited')).to.deep.equal({ ok: false, code: 'rate_limited', status: 429, message: 'Too many attempts' });
      expect(verifications).to.equal(REAUTH_BURST);
      // Per socket: another socket is not limited; the budget refills with time.
      expect(await reauth(other, { token: await auth.createAccessToken({ subject: 'bob' }) })).to.include({ ok: true });
      expect(await reauth(socket, { token: await auth.createAccessToken({ subject: 'alice' }) })).to.include({ ok: false, code: 'rate_limited' });
      clock.advance(REAUTH_REFILL_MS);
      expect(await reauth(socket, { token: await auth.createAccessToken({ subject: 'alice' }) })).to.include({ ok: true });
    });

    it('liveSession.warnBeforeMs sends paseto:session_expiring that long before the end, re-armed after a re-auth', async () => {
      const server = await serve({ liveSession: { warnBeforeMs: 10_000 } });
      const first = await auth.createAccessToken({ subject: 'alice', expiresIn: 60 });
      const socket = await open(server, first);
      const warnings: SocketExpiringData[] = [];
      socket.on(SOCKET_EXPIRING_EVENT, (data: SocketExpiringData) => warnings.push(data));
      const firstEnd = await deadlineOf(first);

      clock.set(firstEnd - 10_001);
      expect(await me(socket)).to.include({ subject: 'alice' });
      expect(warnings).to.deep.equal([]);
      clock.set(firstEnd - 10_000);
      await until(() => warnings.length === 1, 'the first warning');
      expect(warnings[0]).to.deep.equal({ expiresAt: new Date(firstEnd).toISOString() });

      const second = await auth.createAccessToken({ subject: 'alice', expiresIn: 600 });
      expect(await reauth(socket, { token: second })).to.include({ ok: true });
      const secondEnd = await deadlineOf(second);
      clock.set(secondEnd - 10_001);
      expect(await me(socket)).to.include({ subject: 'alice' });
      expect(warnings).to.have.length(1);
      clock.set(secondEnd - 10_000);
      await until(() => warnings.length === 2, 'the warning of the new token');
      expect(warnings[1]).to.deep.equal({ expiresAt: new Date(secondEnd).toISOString() });
    });

    it('keepSocketAuthenticated (the client helper) re-authenticates on the warning: same socket id, new token, auth updated', async () => {
      const server = await serve({ liveSession: { warnBeforeMs: 10_000 } });
      const first = await auth.createAccessToken({ subject: 'alice', expiresIn: 60 });
      const socket = await open(server, first);
      const id = socket.id;
      const results: SocketReauthResult[] = [];
      let fresh = '';
      const stop = keepSocketAuthenticated(
        socket,
        async () => {
          fresh = await auth.createAccessToken({ subject: 'alice', expiresIn: 600 });
          return fresh;
        },
        { onResult: (result) => results.push(result) },
      );
      clock.set((await deadlineOf(first)) - 10_000);
      await until(() => results.length === 1, 'the re-authentication');
      expect(results[0]).to.include({ ok: true });
      expect(await me(socket)).to.include({ jti: await jtiOf(fresh) });
      expect(socket.id).to.equal(id);
      expect(socket.auth).to.deep.equal({ token: fresh });
      // Past the first token's end the socket lives on.
      clock.set((await deadlineOf(first)) + 1);
      expect(await me(socket)).to.include({ subject: 'alice' });
      stop();
    });
  });
}
