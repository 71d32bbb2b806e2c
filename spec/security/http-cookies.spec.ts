import 'reflect-metadata';
import { expect } from 'chai';
import { once } from 'node:events';
import { request as httpRequest, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { FastapiRoutes } from '../http/controllers';
import { EXPRESS_MAJORS, makeApp, makeService } from '../http/helpers';

/** One request with exactly the header lines given (an array value is sent as several lines). */
function send(server: Server, method: string, path: string, headers: OutgoingHttpHeaders): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', method, path, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** What cookie-parser does: the first cookie of a name wins. */
function firstWinsCookies(app: Express): void {
  app.use((req, _res, next) => {
    const cookies: Record<string, string> = {};
    for (const pair of (req.headers.cookie ?? '').split(';')) {
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      if (at > 0 && !(name in cookies)) cookies[name] = decodeURIComponent(pair.slice(at + 1).trim());
    }
    (req as unknown as { cookies: Record<string, string> }).cookies = cookies;
    next();
  });
}

// Cookie tossing: a sibling subdomain (or a plain-HTTP page of the same host) can set a second cookie
// of the same name, which the browser sends first. "The first one wins" then logs the victim in as
// the attacker, so a repeated token or CSRF cookie is refused as ambiguous, as repeated headers are.
for (const major of EXPRESS_MAJORS) {
  for (const parser of ['the Cookie header', 'req.cookies (first wins)'] as const) {
    describe(`security: duplicate token cookies (${major.name}, ${parser})`, () => {
      let server: Server;
      const auth = makeService({ tokenLocation: ['headers', 'cookies'] });
      let alice: string;
      let mallory: string;
      let aliceRefresh: string;
      let csrf: string;

      before(async () => {
        const app = makeApp(major.create, { controllers: [FastapiRoutes], auth, setup: parser === 'the Cookie header' ? undefined : firstWinsCookies });
        server = app.listen(0, '127.0.0.1');
        await once(server, 'listening');
        alice = await auth.createAccessToken({ subject: 'alice' });
        mallory = await auth.createAccessToken({ subject: 'mallory' });
        aliceRefresh = await auth.createRefreshToken({ subject: 'alice' });
        csrf = (await auth.verifyToken(alice)).claims.csrf as string;
      });
      after(() => server.close());

      it('a single token cookie still works', async () => {
        expect((await send(server, 'GET', '/fa/cookie', { cookie: `access_token_cookie=${alice}` })).status).to.equal(200);
      });

      for (const [shape, cookie] of [
        ['one Cookie line', () => `access_token_cookie=${mallory}; access_token_cookie=${alice}`],
        ['two Cookie lines', () => [`access_token_cookie=${mallory}`, `access_token_cookie=${alice}`]],
        ['the same token twice', () => `access_token_cookie=${alice}; other=1; access_token_cookie=${alice}`],
        ['spaces and quotes', () => ` access_token_cookie ="${mallory}";access_token_cookie=${alice}`],
      ] as const) {
        it(`refuses a repeated access token cookie (${shape}) with bad_header`, async () => {
          const response = await send(server, 'GET', '/fa/cookie', { cookie: cookie() });
          expect(response.status).to.equal(400);
          expect(response.body.code).to.equal('bad_header');
          expect(JSON.stringify(response.body)).not.to.contain(alice).and.not.to.contain(mallory);
        });
      }

      it('refuses a repeated refresh token cookie', async () => {
        const response = await send(server, 'GET', '/fa/refresh_cookie', { cookie: [`refresh_token_cookie=${aliceRefresh}`, `refresh_token_cookie=${aliceRefresh}`] });
        expect(response.status).to.equal(400);
        expect(response.body.code).to.equal('bad_header');
      });

      it('refuses a repeated CSRF cookie beside a cookie-borne token, even with the right header', async () => {
        const response = await send(server, 'POST', '/fa/cookie', {
          cookie: `csrf_access_token=tossed; access_token_cookie=${alice}; csrf_access_token=${csrf}`,
          'x-csrf-token': csrf,
        });
        expect(response.status).to.equal(400);
        expect(response.body.code).to.equal('bad_header');
        expect(response.body.message).to.equal("Bad csrf_access_token cookie. Expected a single value");
      });

      it('ignores cookies when the token comes from the Authorization header', async () => {
        const response = await send(server, 'GET', '/fa/cookie_or_header', {
          authorization: `Bearer ${alice}`,
          cookie: `access_token_cookie=${mallory}; access_token_cookie=${mallory}`,
        });
        expect(response.status).to.equal(200);
      });
    });
  }
}

describe('security: __Host- cookie names (docs/http.md)', () => {
  it('are accepted as cookie names, and their duplicates refused too', async () => {
    const auth = makeService({
      tokenLocation: ['headers', 'cookies'],
      accessCookieKey: '__Host-access_token_cookie',
      refreshCookieKey: '__Host-refresh_token_cookie',
      accessCsrfCookieKey: '__Host-csrf_access_token',
      refreshCsrfCookieKey: '__Host-csrf_refresh_token',
    });
    const server = makeApp(EXPRESS_MAJORS[0].create, { controllers: [FastapiRoutes], auth }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const token = await auth.createAccessToken({ subject: 'alice' });
      const csrf = (await auth.verifyToken(token)).claims.csrf as string;
      const headers = { cookie: `__Host-access_token_cookie=${token}; __Host-csrf_access_token=${csrf}`, 'x-csrf-token': csrf };
      expect((await send(server, 'POST', '/fa/cookie', headers)).status).to.equal(200);
      const twice = await send(server, 'POST', '/fa/cookie', { ...headers, cookie: `${headers.cookie}; __Host-csrf_access_token=${csrf}` });
      expect(twice.body.code).to.equal('bad_header');
    } finally {
      server.close();
    }
  });
});
