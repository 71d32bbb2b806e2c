import 'reflect-metadata';
import { expect } from 'chai';
import request from 'supertest';
// --- README / docs/http.md quick start: keep the three in step ------------------------------
import express from 'express';
import { Container } from 'typedi';
import { Authorized, Body, CurrentUser, Get, JsonController, Post, UnauthorizedError, useExpressServer } from 'routing-controllers';
import { configurePaseto } from '../../src/configure';
import { PASETO_CONFIG } from '../../src/service';
import { Auth, FreshTokenRequired, PasetoOptional, RefreshTokenRequired } from '../../src/http/decorators';
import { AuthPaseto } from '../../src/http/auth-handle';
import { withPaseto } from '../../src/http/with-paseto';

interface User { id: string; name: string; roles: string[] }
const users = new Map<string, User>([['alice', { id: 'alice', name: 'Alice', roles: ['admin'] }]]);

@JsonController('/quick')
class AccountController {
  @Post('/login')
  async login(@Body() body: { username: string; password: string }, @Auth() auth: AuthPaseto) {
    const user = users.get(body.username);
    if (!user || body.password !== 'secret') throw new UnauthorizedError('Bad username or password');
    return {
      access_token: await auth.createAccessToken({ subject: user.id, fresh: true, userClaims: { roles: user.roles } }),
      refresh_token: await auth.createRefreshToken({ subject: user.id }),
    };
  }

  @Post('/refresh')
  @RefreshTokenRequired()
  async refresh(@Auth() auth: AuthPaseto) {
    const user = users.get(String(auth.getSubject()));
    return { access_token: await auth.createAccessToken({ subject: String(auth.getSubject()), userClaims: { roles: user?.roles ?? [] } }) };
  }

  @Get('/me')
  @Authorized()
  me(@CurrentUser() user: User) {
    return { name: user.name };
  }

  @Get('/admin')
  @Authorized('admin')
  admin() {
    return { ok: true };
  }

  @Post('/password')
  @FreshTokenRequired()
  changePassword() {
    return { changed: true };
  }

  @Get('/hello')
  @PasetoOptional()
  hello(@CurrentUser() user: User | null) {
    return { hello: user ? user.name : 'anonymous' };
  }
}

function createApp() {
  configurePaseto({ secretKey: process.env.PASETO_SECRET_KEY }); // typed: a misspelt option does not compile

  const app = express();
  // Both checkers and JSON-only errors (no stack traces, keep-alive kept); a bad key throws here.
  useExpressServer(app, withPaseto(
    { controllers: [AccountController] }, // always list them: omitting registers every decorated class
    { userLoader: (token) => users.get(String(token.subject)) },
  ));
  return app;
}
// --- end of quick start -------------------------------------------------------------------

describe('HTTP quick start (README, docs/http.md)', () => {
  const clean = (): void => {
    Container.remove(PASETO_CONFIG);
    Container.reset();
  };
  before(() => {
    clean();
    process.env.PASETO_SECRET_KEY = 'k4.local.' + Buffer.alloc(32, 3).toString('base64url');
  });
  after(() => {
    clean();
    delete process.env.PASETO_SECRET_KEY;
  });

  it('logs in, reads the user, refreshes, checks roles and freshness', async () => {
    const http = request(createApp());
    const refused = await http.post('/quick/login').send({ username: 'alice', password: 'nope' });
    expect([refused.status, refused.body]).to.deep.equal([401, { name: 'UnauthorizedError', message: 'Bad username or password' }]);
    const malformed = await http.post('/quick/login').set('Content-Type', 'application/json').send('{"username":');
    expect([malformed.status, malformed.body]).to.deep.equal([400, { name: 'BadRequestError', message: 'Malformed JSON body' }]);
    const login = await http.post('/quick/login').send({ username: 'alice', password: 'secret' });
    expect(login.status).to.equal(200);
    const { access_token, refresh_token } = login.body as { access_token: string; refresh_token: string };
    const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

    expect((await http.get('/quick/me').set(auth(access_token))).body).to.deep.equal({ name: 'Alice' });
    expect((await http.get('/quick/admin').set(auth(access_token))).status).to.equal(200);
    expect((await http.post('/quick/password').set(auth(access_token))).status).to.equal(200);
    expect((await http.get('/quick/hello')).body).to.deep.equal({ hello: 'anonymous' });
    expect((await http.get('/quick/hello').set(auth(access_token))).body).to.deep.equal({ hello: 'Alice' });

    const refreshed = await http.post('/quick/refresh').set(auth(refresh_token));
    expect(refreshed.status).to.equal(200);
    const stale = refreshed.body.access_token as string;
    const denied = await http.post('/quick/password').set(auth(stale));
    expect(denied.status).to.equal(401);
    expect(denied.body.code).to.equal('fresh_token_required');
    expect((await http.get('/quick/me')).headers['www-authenticate']).to.equal('Bearer');
  });

  it('a bad key fails in createApp(), not on a request', () => {
    process.env.PASETO_SECRET_KEY = 'not-a-key';
    try {
      Container.reset();
      expect(() => createApp()).to.throw(/Invalid PASETO configuration: secretKey/);
    } finally {
      process.env.PASETO_SECRET_KEY = 'k4.local.' + Buffer.alloc(32, 3).toString('base64url');
    }
  });
});
