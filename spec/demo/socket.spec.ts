import { expect } from 'chai';
import { io as connectClient } from 'socket.io-client';
import { connectOnce, login, startDemo, type RunningDemo } from './helpers';

const TEST_USER = { username: 'test', name: 'Test User', roles: [] };

describe('demo: Socket.IO', () => {
  let demo: RunningDemo;

  before(async () => {
    demo = await startDemo();
  });
  after(async () => {
    await demo.close();
  });

  describe('namespace / (plain socket.io middleware)', () => {
    for (const transport of ['websocket', 'polling'] as const) {
      it(`greets the user of auth.token on connect (${transport})`, async () => {
        const { access_token } = await login(demo);
        const outcome = await connectOnce(demo, '/', { auth: { token: access_token }, transports: [transport] });
        expect(outcome).to.deep.equal({
          connected: true,
          greeting: { user: TEST_USER, namespace: '/', message: 'Hello, Test User! You are connected to /.' },
        });
      });
    }

    it('accepts the Authorization header', async () => {
      const { access_token } = await login(demo, 'admin');
      const outcome = await connectOnce(demo, '/', { extraHeaders: { Authorization: `Bearer ${access_token}` } });
      expect(outcome.connected && outcome.greeting.user.username).to.equal('admin');
    });

    it('accepts the query parameter', async () => {
      const { access_token } = await login(demo);
      const outcome = await connectOnce(demo, '/', { query: { token: access_token } });
      expect(outcome.connected && outcome.greeting.user).to.deep.equal(TEST_USER);
    });

    it('refuses a socket without a token before connect, with the HTTP message and { code, status }', async () => {
      const outcome = await connectOnce(demo, '/', {});
      expect(outcome).to.deep.equal({ connected: false, message: 'PASETO Authorization Token required', data: { code: 'token_missing', status: 401 } });
    });

    it('refuses a refresh token', async () => {
      const { refresh_token } = await login(demo);
      const outcome = await connectOnce(demo, '/', { auth: { token: refresh_token } });
      expect(outcome).to.deep.equal({ connected: false, message: 'Access token required but refresh provided', data: { code: 'wrong_token_type', status: 401 } });
    });

    it('refuses the token after POST /logout: connect_error "Token has been revoked"', async () => {
      const { access_token } = await login(demo);
      const before = await connectOnce(demo, '/', { auth: { token: access_token } });
      expect(before.connected).to.equal(true);
      await demo.http.post('/logout').auth(access_token, { type: 'bearer' }).expect(200);
      const after = await connectOnce(demo, '/', { auth: { token: access_token } });
      expect(after).to.deep.equal({ connected: false, message: 'Token has been revoked', data: { code: 'token_revoked', status: 401 } });
    });
  });

  describe('log in, open the socket, refresh, log out', () => {
    it('ends the socket opened with the login token and refuses every token of the session', async () => {
      const { access_token, refresh_token } = await login(demo);
      const socket = connectClient(`${demo.url}/`, { forceNew: true, reconnection: false, transports: ['websocket'], auth: { token: access_token } });
      try {
        await new Promise<void>((resolve) => socket.once('greeting', () => resolve()));
        const ended = new Promise<unknown>((resolve) => socket.once('paseto:session_ended', resolve));
        const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
        const rotated = (await demo.http.post('/refresh').auth(refresh_token, { type: 'bearer' }).expect(200)).body as { access_token: string };
        expect(socket.connected).to.equal(true);
        await demo.http.post('/logout').auth(rotated.access_token, { type: 'bearer' }).expect(200);
        expect(await ended).to.deep.equal({ code: 'token_revoked', status: 401, message: 'Token has been revoked' });
        expect(await disconnected).to.equal('io server disconnect');
        for (const token of [access_token, rotated.access_token]) {
          expect((await demo.http.get('/me').auth(token, { type: 'bearer' }).expect(401)).body.code).to.equal('token_revoked');
        }
        expect((await demo.http.post('/fresh-action').auth(access_token, { type: 'bearer' }).expect(401)).body.code).to.equal('token_revoked');
      } finally {
        socket.disconnect();
      }
    });
  });

  describe('namespace /query (socket-controllers, query parameter only)', () => {
    it('greets the user of ?token=', async () => {
      const { access_token } = await login(demo);
      const outcome = await connectOnce(demo, '/query', { query: { token: access_token } });
      expect(outcome).to.deep.equal({
        connected: true,
        greeting: { user: TEST_USER, namespace: '/query', message: 'Hello, Test User! You are connected to /query.' },
      });
    });

    it('works over polling too', async () => {
      const { access_token } = await login(demo, 'admin');
      const outcome = await connectOnce(demo, '/query', { query: { token: access_token }, transports: ['polling'] });
      expect(outcome.connected && outcome.greeting.user.username).to.equal('admin');
    });

    it('refuses auth.token and the header there: the location is overridden to query only', async () => {
      const { access_token } = await login(demo);
      for (const options of [{ auth: { token: access_token } }, { extraHeaders: { Authorization: `Bearer ${access_token}` } }]) {
        const outcome = await connectOnce(demo, '/query', options);
        expect(outcome).to.deep.equal({ connected: false, message: 'PASETO Authorization Token required', data: { code: 'token_missing', status: 401 } });
      }
    });

    it('refuses a revoked token', async () => {
      const { access_token } = await login(demo);
      await demo.http.post('/logout').auth(access_token, { type: 'bearer' }).expect(200);
      const outcome = await connectOnce(demo, '/query', { query: { token: access_token } });
      expect(outcome).to.deep.equal({ connected: false, message: 'Token has been revoked', data: { code: 'token_revoked', status: 401 } });
    });
  });
});
