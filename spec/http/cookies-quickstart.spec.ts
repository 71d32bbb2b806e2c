import 'reflect-metadata';
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
// --- docs/http.md "Cookies and CSRF": keep the two in step ---------------------------------
import express from 'express';
import { Container } from 'typedi';
import { Authorized, Body, Get, JsonController, Post, UnauthorizedError, useExpressServer } from 'routing-controllers';
import { PASETO_CONFIG } from '../../src/service';
import { Auth, RefreshTokenRequired } from '../../src/http/decorators';
import { AuthPaseto } from '../../src/http/auth-handle';
import { pasetoAuthorizationChecker } from '../../src/http/checkers';
import { pasetoErrorHandler } from '../../src/http/error-handler';

@JsonController('/session')
class SessionController {
  @Post('/login')
  async login(@Body() body: { username: string; password: string }, @Auth() auth: AuthPaseto) {
    if (body.username !== 'alice' || body.password !== 'secret') throw new UnauthorizedError('Bad username or password');
    await auth.setAccessCookies(await auth.createAccessToken({ subject: 'alice', fresh: true }));
    await auth.setRefreshCookies(await auth.createRefreshToken({ subject: 'alice' }));
    return { ok: true };
  }

  @Post('/refresh')
  @RefreshTokenRequired() // reads the refresh cookie; wants the csrf_refresh_token value in X-CSRF-Token
  async refresh(@Auth() auth: AuthPaseto) {
    await auth.setAccessCookies(await auth.createAccessToken({ subject: String(auth.getSubject()) }));
    return { ok: true };
  }

  @Get('/me')
  @Authorized() // GET: the cookie alone is enough
  me(@Auth() auth: AuthPaseto) {
    return { subject: auth.getSubject() };
  }

  @Post('/notes')
  @Authorized() // POST with a cookie-borne token: X-CSRF-Token required
  addNote(@Body() note: { text: string }) {
    return { saved: note.text };
  }

  @Post('/logout')
  logout(@Auth() auth: AuthPaseto) {
    auth.unsetAuthCookies();
    return { ok: true };
  }
}

function createApp() {
  Container.set(PASETO_CONFIG, {
    secretKey: process.env.PASETO_SECRET_KEY,
    tokenLocation: ['headers', 'cookies'], // cookies are opt-in; new tokens now carry a csrf claim
  });
  const app = express();
  useExpressServer(app, {
    controllers: [SessionController],
    development: false,
    authorizationChecker: pasetoAuthorizationChecker(),
  });
  app.use(pasetoErrorHandler());
  return app;
}
// --- end of the docs example ----------------------------------------------------------------

/** The ```ts block of the docs section. */
function docsBlock(): string {
  const docs = readFileSync(join(__dirname, '..', '..', 'docs', 'http.md'), 'utf8');
  const section = docs.slice(docs.indexOf('\n## Cookies and CSRF\n'));
  const block = /```ts\n([\s\S]*?)```/.exec(section.slice(0, section.indexOf('\n## ', 1)))?.[1];
  if (block === undefined) throw new Error('no ts block in the Cookies and CSRF section of docs/http.md');
  return block;
}

/** The cookies of a response as the browser would send them back: `name=value; ...`. */
function jar(response: request.Response, into: Map<string, string> = new Map()): Map<string, string> {
  const raw = response.headers['set-cookie'] as unknown;
  for (const header of Array.isArray(raw) ? (raw as string[]) : []) {
    const pair = header.split(';')[0];
    const at = pair.indexOf('=');
    const value = pair.slice(at + 1);
    if (/Max-Age=0/.test(header)) into.delete(pair.slice(0, at));
    else into.set(pair.slice(0, at), value);
  }
  return into;
}

const cookieHeader = (cookies: Map<string, string>): string => [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');

describe('HTTP cookies and CSRF example (docs/http.md)', () => {
  before(() => {
    Container.reset();
    process.env.PASETO_SECRET_KEY = 'k4.local.' + Buffer.alloc(32, 5).toString('base64url');
  });
  after(() => {
    Container.reset();
    delete process.env.PASETO_SECRET_KEY;
  });

  it('is the code of this spec, imports aside', () => {
    const spec = readFileSync(__filename, 'utf8');
    const missing = docsBlock()
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('import '))
      .filter((line) => !spec.includes(line));
    expect(missing).to.deep.equal([]);
  });

  it("runs the page's flow: login, GET, POST with the CSRF header, refresh, logout", async () => {
    const app = createApp();
    app.set('env', 'test');
    const http = request(app);
    const json = { username: 'alice', password: 'secret' };
    expect((await http.post('/session/login').send({ ...json, password: 'nope' })).status).to.equal(401);

    const cookies = jar(await http.post('/session/login').send(json));
    expect([...cookies.keys()]).to.deep.equal(['access_token_cookie', 'csrf_access_token', 'refresh_token_cookie', 'csrf_refresh_token']);
    expect((await http.get('/session/me').set('Cookie', cookieHeader(cookies))).body).to.deep.equal({ subject: 'alice' });

    const forged = await http.post('/session/notes').set('Cookie', cookieHeader(cookies)).send({ text: 'hello' });
    expect(forged.status).to.equal(401);
    expect(forged.body).to.include({ code: 'csrf_failed', message: 'Missing CSRF token' });
    const note = await http
      .post('/session/notes')
      .set('Cookie', cookieHeader(cookies))
      .set('X-CSRF-Token', String(cookies.get('csrf_access_token')))
      .send({ text: 'hello' });
    expect(note.status, note.text).to.equal(200);
    expect(note.body).to.deep.equal({ saved: 'hello' });

    const oldAccess = cookies.get('access_token_cookie');
    const refreshed = await http.post('/session/refresh').set('Cookie', cookieHeader(cookies)).set('X-CSRF-Token', String(cookies.get('csrf_refresh_token')));
    expect(refreshed.status, refreshed.text).to.equal(200);
    jar(refreshed, cookies);
    expect(cookies.get('access_token_cookie')).to.be.a('string').and.not.equal(oldAccess);
    const again = await http.post('/session/notes').set('Cookie', cookieHeader(cookies)).set('X-CSRF-Token', String(cookies.get('csrf_access_token'))).send({ text: 'again' });
    expect(again.status, again.text).to.equal(200);

    jar(await http.post('/session/logout'), cookies);
    expect(cookies.size).to.equal(0);
  });
});
