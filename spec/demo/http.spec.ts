import { expect } from 'chai';
import { demoKeysFromEnv } from '../../demo/config';
import { generateKeys, PasetoAuthService } from '../../src';
import { login, startDemo, type RunningDemo } from './helpers';

describe('demo: HTTP', () => {
  let demo: RunningDemo;

  before(async () => {
    demo = await startDemo();
  });
  after(async () => {
    await demo.close();
  });

  describe('the page and its assets', () => {
    it('serves the page at / and the socket.io client the page loads', async () => {
      const page = await demo.http.get('/').expect(200).expect('Content-Type', /html/);
      expect(page.text).to.include('/socket.io/socket.io.js').and.include('app.js');
      await demo.http.get('/app.js').expect(200).expect('Content-Type', /javascript/);
      await demo.http.get('/socket.io/socket.io.js').expect(200);
    });
  });

  describe('POST /login', () => {
    it('gives a fresh access token with the roles claim, and a refresh token', async () => {
      const tokens = await login(demo);
      expect(tokens.token_type).to.equal('Bearer');
      const access = await demo.auth.verifyToken(tokens.access_token, { fresh: true });
      expect(access).to.include({ subject: 'test', type: 'access', fresh: true });
      expect(access.claims.roles).to.deep.equal([]);
      const refresh = await demo.auth.verifyToken(tokens.refresh_token, { refreshToken: true });
      expect(refresh).to.include({ subject: 'test', type: 'refresh' });
    });

    it('refuses a wrong password or an unknown user with 401', async () => {
      for (const body of [{ username: 'test', password: 'nope' }, { username: 'nobody', password: 'test' }]) {
        const response = await demo.http.post('/login').send(body).expect(401);
        expect(response.body.message).to.equal('Bad username or password');
      }
    });

    it('answers a bad body with 400 and a message naming each field, never echoing a value', async () => {
      const cases: Array<[unknown, string]> = [
        [{}, 'Invalid login body: username is required; password is required'],
        [{ username: 'test' }, 'Invalid login body: password is required'],
        [{ username: 42, password: 'hunter2-secret' }, 'Invalid login body: username must be a string'],
        [{ username: '', password: 'test' }, 'Invalid login body: username must not be empty'],
        [{ username: 'test', password: ['hunter2-secret'] }, 'Invalid login body: password must be a string'],
        [['test', 'test'], 'Invalid login body: expected a JSON object'],
      ];
      for (const [body, message] of cases) {
        const response = await demo.http.post('/login').send(body as object).expect(400);
        expect(response.body.message, JSON.stringify(body)).to.equal(message);
        expect(JSON.stringify(response.body)).to.not.include('hunter2');
      }
      const none = await demo.http.post('/login').expect(400);
      expect(none.body.message).to.equal('Invalid login body: username is required; password is required');
      const errors = (await demo.http.post('/login').send({ username: 'test' }).expect(400)).body.errors;
      expect(errors).to.deep.equal([{ property: 'password', messages: ['password is required'] }]);
    });

    it('answers malformed JSON with a JSON 400, not a stack trace', async () => {
      const response = await demo.http.post('/login').set('Content-Type', 'application/json').send('{"username":').expect(400);
      expect(response.body).to.deep.equal({ name: 'BadRequestError', message: 'Request body is not valid JSON' });
    });
  });

  describe('GET /me', () => {
    it('gives the user of the token (through the userLoader)', async () => {
      const { access_token } = await login(demo);
      const response = await demo.http.get('/me').auth(access_token, { type: 'bearer' }).expect(200);
      expect(response.body).to.deep.equal({ user: { username: 'test', name: 'Test User', roles: [] } });
    });

    it('refuses a request without a token: 401 token_missing with WWW-Authenticate', async () => {
      const response = await demo.http.get('/me').expect(401);
      expect(response.body).to.include({ code: 'token_missing', message: 'PASETO Authorization Token required' });
      expect(response.headers['www-authenticate']).to.match(/^Bearer/);
    });

    it('refuses a refresh token where an access token is needed', async () => {
      const { refresh_token } = await login(demo);
      const response = await demo.http.get('/me').auth(refresh_token, { type: 'bearer' }).expect(401);
      expect(response.body).to.include({ code: 'wrong_token_type', message: 'Access token required but refresh provided' });
    });
  });

  describe('GET /admin', () => {
    it('is 403 insufficient_role for test, who has no admin role', async () => {
      const { access_token } = await login(demo, 'test');
      const response = await demo.http.get('/admin').auth(access_token, { type: 'bearer' }).expect(403);
      expect(response.body).to.include({ code: 'insufficient_role', message: 'Token lacks a required role' });
    });

    it('is 200 for admin', async () => {
      const { access_token } = await login(demo, 'admin');
      const response = await demo.http.get('/admin').auth(access_token, { type: 'bearer' }).expect(200);
      expect(response.body.user).to.deep.equal({ username: 'admin', name: 'Ada Admin', roles: ['admin'] });
    });

    it('is 401 without a token', async () => {
      await demo.http.get('/admin').expect(401);
    });
  });

  describe('POST /refresh and POST /fresh-action', () => {
    it('rotates: the next pair of the session, an access token that is not fresh and opens /me', async () => {
      const { refresh_token } = await login(demo);
      const response = await demo.http.post('/refresh').auth(refresh_token, { type: 'bearer' }).expect(200);
      expect(response.body.token_type).to.equal('Bearer');
      const verified = await demo.auth.verifyToken(response.body.access_token);
      expect(verified).to.include({ subject: 'test', type: 'access', fresh: false });
      expect(verified.claims).to.deep.include({ roles: [], name: 'Test User' });
      const next = await demo.auth.verifyToken(response.body.refresh_token, { refreshToken: true });
      expect(next.sessionId).to.equal((await demo.auth.verifyToken(refresh_token, { refreshToken: true })).sessionId);
      await demo.http.get('/me').auth(response.body.access_token, { type: 'bearer' }).expect(200);
      await demo.http.post('/refresh').auth(response.body.refresh_token, { type: 'bearer' }).expect(200);
    });

    it('a spent refresh token sent again revokes the session: refresh_token_reused, then every token refused', async () => {
      const { access_token, refresh_token } = await login(demo);
      const rotated = (await demo.http.post('/refresh').auth(refresh_token, { type: 'bearer' }).expect(200)).body as { access_token: string; refresh_token: string };
      const reused = await demo.http.post('/refresh').auth(refresh_token, { type: 'bearer' }).expect(401);
      expect(reused.body).to.include({ code: 'refresh_token_reused', message: 'Refresh token reuse detected; the session has been revoked' });
      for (const token of [access_token, rotated.access_token]) {
        const refused = await demo.http.get('/me').auth(token, { type: 'bearer' }).expect(401);
        expect(refused.body.code).to.equal('token_revoked');
      }
      expect((await demo.http.post('/refresh').auth(rotated.refresh_token, { type: 'bearer' }).expect(401)).body.code).to.equal('token_revoked');
    });

    it('/refresh refuses an access token', async () => {
      const { access_token } = await login(demo);
      const response = await demo.http.post('/refresh').auth(access_token, { type: 'bearer' }).expect(401);
      expect(response.body).to.include({ code: 'wrong_token_type', message: 'Refresh token required but access provided' });
    });

    it('/fresh-action accepts the fresh token from /login and refuses the refreshed one', async () => {
      const { access_token, refresh_token } = await login(demo);
      const ok = await demo.http.post('/fresh-action').auth(access_token, { type: 'bearer' }).expect(200);
      expect(ok.body).to.deep.equal({ ok: true, message: 'Fresh token accepted for test' });

      const refreshed = (await demo.http.post('/refresh').auth(refresh_token, { type: 'bearer' }).expect(200)).body.access_token as string;
      const refused = await demo.http.post('/fresh-action').auth(refreshed, { type: 'bearer' }).expect(401);
      expect(refused.body).to.include({ code: 'fresh_token_required', message: 'PASETO access token is not fresh' });

      const withRefresh = await demo.http.post('/fresh-action').auth(refresh_token, { type: 'bearer' }).expect(401);
      expect(withRefresh.body.code).to.equal('wrong_token_type');
    });
  });

  describe('POST /logout', () => {
    it('log in, refresh, log out: every token of the session is refused, other sessions work', async () => {
      const { access_token, refresh_token } = await login(demo);
      const other = await login(demo);
      const rotated = (await demo.http.post('/refresh').auth(refresh_token, { type: 'bearer' }).expect(200)).body as { access_token: string; refresh_token: string };
      const response = await demo.http.post('/logout').auth(rotated.access_token, { type: 'bearer' }).expect(200);
      expect(response.body).to.deep.equal({ ok: true, revoked: 'session' });
      for (const token of [access_token, rotated.access_token]) {
        const me = await demo.http.get('/me').auth(token, { type: 'bearer' }).expect(401);
        expect(me.body).to.include({ code: 'token_revoked', message: 'Token has been revoked' });
      }
      expect((await demo.http.post('/fresh-action').auth(access_token, { type: 'bearer' }).expect(401)).body.code).to.equal('token_revoked');
      expect((await demo.http.post('/refresh').auth(rotated.refresh_token, { type: 'bearer' }).expect(401)).body.code).to.equal('token_revoked');
      await demo.http.get('/me').auth(other.access_token, { type: 'bearer' }).expect(200);
    });

    it('needs a valid access token', async () => {
      await demo.http.post('/logout').expect(401);
    });
  });
});

describe('demo: keys and configuration', () => {
  const started: RunningDemo[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((demo) => demo.close()));
  });

  it('without PASETO_SECRET_KEY generates a key and warns that tokens die with the process', async () => {
    const first = await startDemo();
    const second = await startDemo();
    started.push(first, second);
    expect(first.warnings).to.have.length(1);
    expect(first.warnings[0]).to.include('PASETO_SECRET_KEY is not set').and.include('Tokens die with the process');
    // Another process (here: another app) has another key, so the token is refused there.
    const { access_token } = await login(first);
    const response = await second.http.get('/me').auth(access_token, { type: 'bearer' }).expect(401);
    expect(response.body.code).to.equal('invalid_token');
  });

  it('with PASETO_SECRET_KEY uses it, silently, and tokens survive a restart', async () => {
    const { secretKey } = generateKeys({ version: 4, purpose: 'local' });
    const env = { PASETO_SECRET_KEY: secretKey };
    const first = await startDemo({ env });
    started.push(first);
    expect(first.warnings).to.deep.equal([]);
    const { access_token } = await login(first);
    await first.close();
    const second = await startDemo({ env });
    started.push(second);
    await second.http.get('/me').auth(access_token, { type: 'bearer' }).expect(200);
  });

  it('runs on v3.public keys from PASETO_PRIVATE_KEY / PASETO_PUBLIC_KEY (PEM with \\n escapes, as keygen prints them)', async () => {
    const keys = generateKeys({ version: 3, purpose: 'public', format: 'pem' });
    const escape = (pem: string | undefined) => (pem ?? '').replace(/\n/g, '\\n');
    const demo = await startDemo({ env: { PASETO_VERSION: '3', PASETO_PRIVATE_KEY: escape(keys.privateKey), PASETO_PUBLIC_KEY: escape(keys.publicKey) } });
    started.push(demo);
    const { access_token } = await login(demo);
    expect(access_token).to.match(/^v3\.public\./);
    await demo.http.get('/me').auth(access_token, { type: 'bearer' }).expect(200);
  });

  it('refuses an inconsistent environment with a message naming the variable', () => {
    expect(() => demoKeysFromEnv({ PASETO_PURPOSE: 'public' })).to.throw('PASETO_PURPOSE=public needs PASETO_PRIVATE_KEY');
    expect(() => demoKeysFromEnv({ PASETO_VERSION: '2' })).to.throw("PASETO_VERSION must be 3 or 4, got '2'");
    expect(() => demoKeysFromEnv({ PASETO_PURPOSE: 'local' })).to.throw('PASETO_PURPOSE=local needs PASETO_SECRET_KEY');
  });
});


describe('demo: /.well-known/paseto-keys', () => {
  it('answers 404 with a JSON error when the demo signs with a local key', async () => {
    const demo = await startDemo();
    try {
      const response = await demo.http.get('/.well-known/paseto-keys').expect(404).expect('Content-Type', /json/);
      expect(response.body).to.deep.equal({ name: 'NotFoundError', message: 'No public keys: this server signs with a local key' });
    } finally {
      await demo.close();
    }
  });

  it('publishes the public key with a key pair, and a service with keySetUrl verifies its tokens', async () => {
    const keys = generateKeys({ version: 4, purpose: 'public' });
    const demo = await startDemo({ env: { PASETO_PRIVATE_KEY: keys.privateKey } });
    try {
      const response = await demo.http.get('/.well-known/paseto-keys').expect(200);
      expect(response.body).to.deep.equal({ keys: [keys.publicKey] });
      const consumer = new PasetoAuthService({ keySetUrl: `${demo.url}/.well-known/paseto-keys` });
      const tokens = await login(demo);
      expect((await consumer.verifyToken(tokens.access_token)).subject).to.equal('test');
    } finally {
      await demo.close();
    }
  });
});
