import 'reflect-metadata';
import { expect } from 'chai';
import request from 'supertest';
// --- docs/http.md "Wiring by hand": keep the two in step -----------------------------------
import express from 'express';
import { Container } from 'typedi';
import { Authorized, Body, CurrentUser, Get, JsonController, Post, UnauthorizedError, useExpressServer } from 'routing-controllers';
import { PASETO_CONFIG } from '../../src/service';
import { Auth, FreshTokenRequired, PasetoOptional, RefreshTokenRequired } from '../../src/http/decorators';
import { AuthPaseto } from '../../src/http/auth-handle';
import { pasetoAuthorizationChecker, pasetoCurrentUserChecker } from '../../src/http/checkers';
import { pasetoErrorHandler } from '../../src/http/error-handler';

interface User { id: string; name: string; roles: string[] }
const users = new Map<string, User>([['alice', { id: 'alice', name: 'Alice', roles: ['admin'] }]]);

@JsonController('/manual')
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
  Container.set(PASETO_CONFIG, { secretKey: process.env.PASETO_SECRET_KEY });

  const app = express();
  useExpressServer(app, {
    controllers: [AccountController], // always list them: omitting registers every decorated class
    development: false, // no stack traces in error responses
    authorizationChecker: pasetoAuthorizationChecker(),
    currentUserChecker: pasetoCurrentUserChecker({ userLoader: (token) => users.get(String(token.subject)) }),
  });
  app.use(pasetoErrorHandler()); // ends auth errors already answered (no stack logged, connection kept); passes on the rest
  return app;
}
// --- end of the docs code ------------------------------------------------------------------

describe('HTTP wiring by hand (docs/http.md)', () => {
  before(() => {
    process.env.PASETO_SECRET_KEY = 'k4.local.' + Buffer.alloc(32, 3).toString('base64url');
  });
  after(() => {
    Container.reset();
    delete process.env.PASETO_SECRET_KEY;
  });

  it('logs in, reads the user, refreshes, checks roles and freshness', async () => {
    const app = createApp();
    app.set('env', 'test');
    const http = request(app);
    const refused = await http.post('/manual/login').send({ username: 'alice', password: 'nope' });
    expect(refused.status, refused.text).to.equal(401);
    const login = await http.post('/manual/login').send({ username: 'alice', password: 'secret' });
    expect(login.status).to.equal(200);
    const { access_token, refresh_token } = login.body as { access_token: string; refresh_token: string };
    const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

    expect((await http.get('/manual/me').set(auth(access_token))).body).to.deep.equal({ name: 'Alice' });
    expect((await http.get('/manual/admin').set(auth(access_token))).status).to.equal(200);
    expect((await http.post('/manual/password').set(auth(access_token))).status).to.equal(200);
    expect((await http.get('/manual/hello')).body).to.deep.equal({ hello: 'anonymous' });
    expect((await http.get('/manual/hello').set(auth(access_token))).body).to.deep.equal({ hello: 'Alice' });

    const refreshed = await http.post('/manual/refresh').set(auth(refresh_token));
    expect(refreshed.status).to.equal(200);
    const stale = refreshed.body.access_token as string;
    const denied = await http.post('/manual/password').set(auth(stale));
    expect(denied.status).to.equal(401);
    expect(denied.body.code).to.equal('fresh_token_required');
    expect((await http.get('/manual/me')).headers['www-authenticate']).to.equal('Bearer');
  });
});
