import 'reflect-metadata';
import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { Authorized, CurrentUser, Get, JsonController, useExpressServer, type Action } from 'routing-controllers';
import { pasetoAuthorizationChecker, pasetoCurrentUserChecker } from '../../src/http/checkers';
import { AuthPasetoError } from '../../src/errors';
import { withPaseto } from '../../src/http/with-paseto';
import { Auth, PasetoOptional, RefreshTokenRequired } from '../../src/http/decorators';
import type { AuthPaseto } from '../../src/http/auth-handle';
import { pasetoSocketMiddleware } from '../../src/socket/middleware';
import type { AuthFailureEvent } from '../../src/events';
import type { VerifiedToken } from '../../src/tokens/types';
import { createTestAuth } from '../../src/testing';
import { closeClients, startServer, tryConnect, type ClientSet, type TestServer } from '../socket/helpers';

const kit = createTestAuth({ denylistEnabled: true });

@JsonController('/events')
class EventsController {
  @Get('/me')
  @Authorized()
  me(@CurrentUser() token: VerifiedToken) {
    return { subject: token.subject };
  }

  @Get('/admin')
  @Authorized('admin')
  admin() {
    return { ok: true };
  }

  @Get('/refresh')
  @RefreshTokenRequired()
  refresh() {
    return { ok: true };
  }

  @Get('/maybe')
  @PasetoOptional()
  maybe(@CurrentUser() token: VerifiedToken | null) {
    return { subject: token?.subject ?? null };
  }

  @Get('/handle')
  async handle(@Auth(kit.auth) auth: AuthPaseto) {
    await auth.pasetoRequired({ fresh: true });
    return { ok: true };
  }
}

/** The parts of an event a test compares: `at` checked apart. */
function withoutTime({ at, ...rest }: AuthFailureEvent): Omit<AuthFailureEvent, 'at'> {
  expect(at).to.be.instanceOf(Date);
  return rest;
}

describe('auth.onAuthFailure', () => {
  describe('over HTTP (checkers, @Auth() handles)', () => {
    const { auth, clock, accessToken, refreshToken, authHeader } = kit;
    const events: AuthFailureEvent[] = [];
    auth.onAuthFailure((event) => events.push(event));
    const app = express();
    app.set('trust proxy', true);
    useExpressServer(app, withPaseto({ controllers: [EventsController] }, { auth, userLoader: (token) => (token.subject === 'ghost' ? null : { id: token.subject }) }));
    const http = request(app);
    beforeEach(() => {
      events.length = 0;
    });

    it('reports a refusal without a token, or with a bad one: code, status, transport, ip and time, no subject', async () => {
      await http.get('/events/me').set('X-Forwarded-For', '203.0.113.7').expect(401);
      await http.get('/events/me').set({ 'X-Forwarded-For': '203.0.113.8', Authorization: 'Bearer v4.local.forged' }).expect(401);
      expect(events.map(withoutTime)).to.deep.equal([
        { code: 'token_missing', status: 401, transport: 'http', ip: '203.0.113.7' },
        { code: 'invalid_token', status: 401, transport: 'http', ip: '203.0.113.8' },
      ]);
      expect(events[0].at.getTime()).to.equal(clock.now());
    });

    it('names subject and jti of a token that verified and was refused later (revoked, wrong type, missing role or user); never the token', async () => {
      const revoked = await accessToken('alice');
      const { jti } = await auth.verifyToken(revoked);
      await auth.revokeToken(revoked);
      const refresh = await refreshToken('bob');
      const plain = await accessToken('carol');
      const ghost = await accessToken('ghost');
      await http.get('/events/me').set(authHeader(revoked)).expect(401);
      await http.get('/events/me').set(authHeader(refresh)).expect(401);
      await http.get('/events/admin').set(authHeader(plain)).expect(403);
      await http.get('/events/me').set(authHeader(ghost)).expect(401);
      const seen = events.map(withoutTime).map(({ code, status, subject, jti: id }) => ({ code, status, subject, jti: id === undefined ? undefined : id.length }));
      expect(seen).to.deep.equal([
        { code: 'token_revoked', status: 401, subject: 'alice', jti: 36 },
        { code: 'wrong_token_type', status: 401, subject: 'bob', jti: 36 },
        { code: 'insufficient_role', status: 403, subject: 'carol', jti: 36 },
        { code: 'user_not_found', status: 401, subject: 'ghost', jti: 36 },
      ]);
      expect(events[0].jti).to.equal(jti);
      const text = JSON.stringify(events);
      for (const token of [revoked, refresh, plain, ghost]) expect(text).to.not.include(token);
      expect(Object.keys(events[0]).sort()).to.deep.equal(['at', 'code', 'ip', 'jti', 'status', 'subject', 'transport']);
    });

    it('reports refusals of the current-user checker on an optional route and of an @Auth() handle; successes and anonymous requests are not refusals', async () => {
      await http.get('/events/me').set(authHeader(await accessToken('dan'))).expect(200);
      await http.get('/events/maybe').expect(200);
      await http.get('/events/maybe').set('Authorization', 'Bearer v4.local.forged').expect(200);
      expect(events).to.deep.equal([]);
      await http.get('/events/maybe').set(authHeader(await refreshToken('erin'))).expect(401);
      await http.get('/events/handle').set(authHeader(await accessToken('fay'))).expect(401);
      expect(events.map(({ code, subject }) => ({ code, subject }))).to.deep.equal([
        { code: 'wrong_token_type', subject: 'erin' },
        { code: 'fresh_token_required', subject: 'fay' },
      ]);
    });

    it("a listener that throws or rejects changes nothing for the client or the other listeners; unsubscribing stops the events", async () => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      const stopThrowing = auth.onAuthFailure(() => {
        throw new Error('logger down');
      });
      const stopRejecting = auth.onAuthFailure(() => Promise.reject(new Error('limit reached')));
      try {
        const response = await http.get('/events/me').expect(401);
        expect(response.body).to.include({ code: 'token_missing' });
        await new Promise((resolve) => setImmediate(resolve));
        expect(events).to.have.length(1);
        expect(unhandled).to.deep.equal([]);
      } finally {
        stopThrowing();
        stopRejecting();
        process.off('unhandledRejection', onUnhandled);
      }
      const stop = auth.onAuthFailure(() => expect.fail('unsubscribed'));
      stop();
      await http.get('/events/me').expect(401);
      expect(events).to.have.length(2);
    });

    it('uses the connection address without express `trust proxy`', async () => {
      const direct = express();
      const local = createTestAuth();
      const seen: AuthFailureEvent[] = [];
      local.auth.onAuthFailure((event) => seen.push(event));
      useExpressServer(direct, withPaseto({ controllers: [EventsController] }, { auth: local.auth }));
      await request(direct).get('/events/me').set('X-Forwarded-For', '203.0.113.9').expect(401);
      expect(seen.map((event) => event.ip)).to.deep.equal(['127.0.0.1']);
    });
  });

  describe('the checkers called directly', () => {
    it("reports a refusal once however many checkers replay it; the connection address without express' req.ip", async () => {
      const { auth, refreshToken } = createTestAuth();
      const seen: AuthFailureEvent[] = [];
      auth.onAuthFailure((event) => seen.push(event));
      const action = { request: { headers: { authorization: `Bearer ${await refreshToken('ivy')}` }, socket: { remoteAddress: '10.0.0.1' } }, response: {} } as unknown as Action;
      const current = pasetoCurrentUserChecker(auth);
      for (let call = 0; call < 2; call += 1) {
        await current(action).then(
          () => expect.fail('accepted a refresh token'),
          (error: unknown) => expect(error).to.include({ code: 'wrong_token_type' }),
        );
      }
      expect(() => pasetoAuthorizationChecker(auth)({ request: { headers: {} }, response: {} }, [])).to.throw(AuthPasetoError);
      expect(seen.map(({ code, ip, subject }) => ({ code, ip, subject }))).to.deep.equal([
        { code: 'wrong_token_type', ip: '10.0.0.1', subject: 'ivy' },
        { code: 'token_missing', ip: undefined, subject: undefined },
      ]);
    });
  });

  describe('over Socket.IO (handshakes)', () => {
    const { auth, accessToken } = createTestAuth();
    const events: AuthFailureEvent[] = [];
    auth.onAuthFailure((event) => events.push(event));
    const clients: ClientSet = new Set();
    let server: TestServer;

    before(async () => {
      server = await startServer((io) => {
        io.use(pasetoSocketMiddleware({ auth }));
        io.of('/admin').use(pasetoSocketMiddleware({ auth, roles: ['admin'] }));
      });
    });
    after(async () => {
      closeClients(clients);
      await server.close();
    });

    it('reports each refused handshake with the client address; a token refused later names its subject', async () => {
      expect(await tryConnect(clients, server.url, '/', 'websocket')).to.include({ connected: false });
      expect(await tryConnect(clients, server.url, '/admin', 'websocket', { auth: { token: await accessToken('gus') } })).to.include({ connected: false });
      expect(await tryConnect(clients, server.url, '/', 'polling', { auth: { token: await accessToken('hal') } })).to.include({ connected: true });
      expect(events.map(withoutTime)).to.deep.equal([
        { code: 'token_missing', status: 401, transport: 'socket', ip: '127.0.0.1' },
        { code: 'insufficient_role', status: 403, transport: 'socket', ip: '127.0.0.1', subject: 'gus', jti: events[1]?.jti },
      ]);
      expect(events[1].jti).to.be.a('string');
    });
  });
});
