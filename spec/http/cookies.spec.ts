import 'reflect-metadata';
import { expect } from 'chai';
import { Authorized, Delete, Get, JsonController, Patch, Post, Put, Res } from 'routing-controllers';
import type { Response as SupertestResponse } from 'supertest';
import type { PasetoAuthOptions } from '../../src/config/options';
import { PasetoConfigError } from '../../src/errors';
import { AuthPaseto } from '../../src/http/auth-handle';
import { setAccessCookies, unsetAuthCookies, type CookieResponseLike } from '../../src/http/cookies';
import { Auth, PasetoOptional, RefreshTokenRequired } from '../../src/http/decorators';
import type { PasetoAuthService } from '../../src/service';
import { EXPRESS_MAJORS, bearer, client, expectAuthError, makeApp, makeService } from './helpers';

/** One `Set-Cookie` header, parsed: its value and its attributes (names in lower case). */
interface SetCookie {
  value: string;
  attributes: Record<string, string | true>;
}

function setCookies(response: SupertestResponse): Map<string, SetCookie> {
  const raw = response.headers['set-cookie'] as unknown;
  const list = Array.isArray(raw) ? (raw as string[]) : [];
  const cookies = new Map<string, SetCookie>();
  for (const header of list) {
    const [pair, ...rest] = header.split(';').map((part) => part.trim());
    const at = pair.indexOf('=');
    const attributes: Record<string, string | true> = {};
    for (const attribute of rest) {
      const eq = attribute.indexOf('=');
      if (eq < 0) attributes[attribute.toLowerCase()] = true;
      else attributes[attribute.slice(0, eq).toLowerCase()] = attribute.slice(eq + 1);
    }
    cookies.set(pair.slice(0, at), { value: decodeURIComponent(pair.slice(at + 1)), attributes });
  }
  return cookies;
}

/** The `Cookie` request header a browser would send back. */
function cookieHeader(cookies: Map<string, SetCookie>, ...names: string[]): string {
  return names.map((name) => `${name}=${encodeURIComponent(cookieOf(cookies, name).value)}`).join('; ');
}

function cookieOf(cookies: Map<string, SetCookie>, name: string): SetCookie {
  const cookie = cookies.get(name);
  if (cookie === undefined) throw new Error(`no Set-Cookie for ${name}`);
  return cookie;
}

/** The cookie routes, bound to one service (so each configuration gets its own controller). */
function cookieController(auth: PasetoAuthService) {
  @JsonController('/ck')
  class CookieController {
    @Post('/login')
    async login(@Auth(auth) handle: AuthPaseto) {
      const csrf = await handle.setAccessCookies(await handle.createAccessToken({ subject: 'alice', fresh: true }));
      await handle.setRefreshCookies(await handle.createRefreshToken({ subject: 'alice' }));
      return { csrf };
    }

    @Get('/me')
    @Authorized()
    me(@Auth(auth) handle: AuthPaseto) {
      return { subject: handle.getSubject() };
    }

    @Post('/me')
    @Authorized()
    post(@Auth(auth) handle: AuthPaseto) {
      return { subject: handle.getSubject() };
    }

    @Put('/me')
    @Authorized()
    put() {
      return { ok: true };
    }

    @Patch('/me')
    @Authorized()
    patch() {
      return { ok: true };
    }

    @Delete('/me')
    @Authorized()
    remove() {
      return { ok: true };
    }

    @Post('/optional')
    @PasetoOptional()
    optional(@Auth(auth) handle: AuthPaseto) {
      return { subject: handle.getSubjectOrNull() };
    }

    @Post('/refresh')
    @RefreshTokenRequired()
    async refresh(@Auth(auth) handle: AuthPaseto) {
      const csrf = await handle.setAccessCookies(await handle.createAccessToken({ subject: String(handle.getSubject()) }));
      return { csrf };
    }

    @Post('/logout')
    logout(@Auth(auth) handle: AuthPaseto) {
      handle.unsetAuthCookies();
      return { ok: true };
    }

    /** The function form, on the raw response. */
    @Post('/logout_fn')
    logoutFn(@Res() response: CookieResponseLike) {
      unsetAuthCookies(response, { auth });
      return { ok: true };
    }
  }
  return CookieController;
}

const COOKIES: PasetoAuthOptions = { tokenLocation: ['headers', 'cookies'] };

for (const major of EXPRESS_MAJORS) {
  describe(`HTTP cookies and CSRF (${major.name})`, () => {
    function setup(options: PasetoAuthOptions = COOKIES) {
      const auth = makeService(options);
      return { auth, http: client(makeApp(major.create, { controllers: [cookieController(auth)], auth, defaultErrorHandler: false })) };
    }

    async function login(http: ReturnType<typeof setup>['http']) {
      const response = await http.post('/ck/login');
      expect(response.status, response.text).to.equal(200);
      return { response, cookies: setCookies(response), csrf: response.body.csrf as string | null };
    }

    describe('login', () => {
      const { auth, http } = setup();

      it('sets the token cookies HttpOnly and the CSRF cookies readable, with the configured attributes', async () => {
        const { cookies, csrf } = await login(http);
        expect([...cookies.keys()]).to.deep.equal(['access_token_cookie', 'csrf_access_token', 'refresh_token_cookie', 'csrf_refresh_token']);
        for (const [name, cookie] of cookies) {
          expect(cookie.attributes.secure, name).to.equal(true);
          expect(cookie.attributes.samesite, name).to.equal('Lax');
          expect(cookie.attributes.path, name).to.equal('/');
          expect(cookie.attributes.domain, name).to.equal(undefined);
          expect(cookie.attributes.httponly, name).to.equal(name.endsWith('_cookie') ? true : undefined);
          expect(new Date(String(cookie.attributes.expires)).getTime(), name).to.be.greaterThan(Date.now());
        }
        // Max-Age is the token's remaining lifetime: 900 s for access, 30 days for refresh.
        for (const name of ['access_token_cookie', 'csrf_access_token']) expect(Number(cookieOf(cookies, name).attributes['max-age'])).to.be.within(899, 900);
        for (const name of ['refresh_token_cookie', 'csrf_refresh_token']) {
          expect(Number(cookieOf(cookies, name).attributes['max-age'])).to.be.within(2_591_999, 2_592_000);
        }
        const access = await auth.verifyToken(cookieOf(cookies, 'access_token_cookie').value);
        expect(access.claims.csrf).to.be.a('string').with.length.greaterThan(40);
        expect(cookieOf(cookies, 'csrf_access_token').value).to.equal(access.claims.csrf);
        expect(csrf).to.equal(access.claims.csrf);
        const refresh = await auth.verifyToken(cookieOf(cookies, 'refresh_token_cookie').value, { refreshToken: true });
        expect(cookieOf(cookies, 'csrf_refresh_token').value).to.equal(refresh.claims.csrf).and.not.equal(access.claims.csrf);
      });
    });

    describe('the double-submit check', () => {
      const { auth, http } = setup();

      it('lets safe methods through with the cookie alone', async () => {
        const { cookies } = await login(http);
        const response = await http.get('/ck/me').set('Cookie', cookieHeader(cookies, 'access_token_cookie'));
        expect(response.status, response.text).to.equal(200);
        expect(response.body).to.deep.equal({ subject: 'alice' });
      });

      it('refuses a POST with the cookie but without the CSRF header', async () => {
        const { cookies } = await login(http);
        const token = cookieOf(cookies, 'access_token_cookie').value;
        const csrf = cookieOf(cookies, 'csrf_access_token').value;
        const response = await http.post('/ck/me').set('Cookie', cookieHeader(cookies, 'access_token_cookie', 'csrf_access_token'));
        expectAuthError(response, 401, 'csrf_failed', 'Missing CSRF token', [token, csrf]);
        expect(response.headers['www-authenticate']).to.match(/^Bearer error="invalid_token", error_description="Missing CSRF token"$/);
        expectAuthError(await http.post('/ck/me').set('Cookie', cookieHeader(cookies, 'access_token_cookie')).set('X-CSRF-Token', ''), 401, 'csrf_failed', 'Missing CSRF token');
      });

      it('refuses a wrong CSRF header, including the refresh CSRF value, without echoing either', async () => {
        const { cookies } = await login(http);
        const token = cookieOf(cookies, 'access_token_cookie').value;
        const right = cookieOf(cookies, 'csrf_access_token').value;
        const refreshCsrf = cookieOf(cookies, 'csrf_refresh_token').value;
        for (const wrong of ['nope', right.slice(1), `${right}x`, refreshCsrf]) {
          const response = await http.post('/ck/me').set('Cookie', cookieHeader(cookies, 'access_token_cookie')).set('X-CSRF-Token', wrong);
          expectAuthError(response, 401, 'csrf_failed', 'CSRF double submit tokens do not match', [token, right, wrong]);
        }
      });

      it('accepts the right CSRF header on every state-changing method (header name case-insensitive)', async () => {
        const { cookies, csrf } = await login(http);
        const cookie = cookieHeader(cookies, 'access_token_cookie');
        const post = await http.post('/ck/me').set('Cookie', cookie).set('x-csrf-token', String(csrf));
        expect(post.status, post.text).to.equal(200);
        expect(post.body).to.deep.equal({ subject: 'alice' });
        for (const method of ['put', 'patch', 'delete'] as const) {
          expectAuthError(await http[method]('/ck/me').set('Cookie', cookie), 401, 'csrf_failed', 'Missing CSRF token');
          expect((await http[method]('/ck/me').set('Cookie', cookie).set('X-CSRF-Token', String(csrf))).status, method).to.equal(200);
        }
      });

      it('does not ask a header-borne token for CSRF, even with the cookie also present', async () => {
        const { cookies } = await login(http);
        const token = cookieOf(cookies, 'access_token_cookie').value;
        expect((await http.post('/ck/me').set(bearer(token))).status).to.equal(200);
        expect((await http.post('/ck/me').set(bearer(token)).set('Cookie', cookieHeader(cookies, 'access_token_cookie'))).status).to.equal(200);
      });

      it('refuses, rather than makes anonymous, a forged POST on an optional route', async () => {
        const { cookies, csrf } = await login(http);
        const cookie = cookieHeader(cookies, 'access_token_cookie');
        expectAuthError(await http.post('/ck/optional').set('Cookie', cookie), 401, 'csrf_failed', 'Missing CSRF token');
        expect((await http.post('/ck/optional').set('Cookie', cookie).set('X-CSRF-Token', String(csrf))).body).to.deep.equal({ subject: 'alice' });
        expect((await http.post('/ck/optional')).body).to.deep.equal({ subject: null });
      });

      it("refuses a cookie-borne token without a csrf claim (made while cookies were not configured)", async () => {
        const plain = makeService();
        const token = await plain.createAccessToken({ subject: 'alice' });
        expect((await plain.verifyToken(token)).claims).not.to.have.property('csrf');
        const response = await http.post('/ck/me').set('Cookie', `access_token_cookie=${token}`).set('X-CSRF-Token', 'anything');
        expectAuthError(response, 401, 'csrf_failed', "Token is missing the 'csrf' claim", [token]);
        expect((await http.get('/ck/me').set('Cookie', `access_token_cookie=${token}`)).status).to.equal(200);
      });

      it('takes its status from statusCodes', async () => {
        const overridden = setup({ ...COOKIES, statusCodes: { csrf_failed: 403 } });
        const { cookies } = await login(overridden.http);
        const response = await overridden.http.post('/ck/me').set('Cookie', cookieHeader(cookies, 'access_token_cookie'));
        expectAuthError(response, 403, 'csrf_failed', 'Missing CSRF token');
        expect(auth.config.statusCodes.csrf_failed).to.equal(401);
      });
    });

    describe('refresh and logout', () => {
      const { http } = setup();

      it('refreshes with the refresh cookie and its own CSRF value, and sets a new access cookie', async () => {
        const { cookies } = await login(http);
        const refreshCookie = cookieHeader(cookies, 'refresh_token_cookie');
        expectAuthError(await http.post('/ck/refresh').set('Cookie', refreshCookie), 401, 'csrf_failed', 'Missing CSRF token');
        const accessCsrf = cookieOf(cookies, 'csrf_access_token').value;
        expectAuthError(await http.post('/ck/refresh').set('Cookie', refreshCookie).set('X-CSRF-Token', accessCsrf), 401, 'csrf_failed');
        // The access cookie is not read on a refresh route.
        expectAuthError(await http.post('/ck/refresh').set('Cookie', cookieHeader(cookies, 'access_token_cookie')), 401, 'token_missing');

        const refreshed = await http.post('/ck/refresh').set('Cookie', refreshCookie).set('X-CSRF-Token', cookieOf(cookies, 'csrf_refresh_token').value);
        expect(refreshed.status, refreshed.text).to.equal(200);
        const renewed = setCookies(refreshed);
        expect([...renewed.keys()]).to.deep.equal(['access_token_cookie', 'csrf_access_token']);
        expect(refreshed.body.csrf).to.equal(cookieOf(renewed, 'csrf_access_token').value).and.not.equal(accessCsrf);
        const me = await http.post('/ck/me').set('Cookie', cookieHeader(renewed, 'access_token_cookie')).set('X-CSRF-Token', refreshed.body.csrf);
        expect(me.status, me.text).to.equal(200);
      });

      for (const route of ['/ck/logout', '/ck/logout_fn']) {
        it(`expires every auth cookie with the attributes they were set with (${route})`, async () => {
          const response = await http.post(route);
          expect(response.status, response.text).to.equal(200);
          const cleared = setCookies(response);
          expect([...cleared.keys()]).to.deep.equal(['access_token_cookie', 'csrf_access_token', 'refresh_token_cookie', 'csrf_refresh_token']);
          for (const [name, cookie] of cleared) {
            expect(cookie.value, name).to.equal('');
            expect(cookie.attributes['max-age'], name).to.equal('0');
            expect(new Date(String(cookie.attributes.expires)).getTime(), name).to.equal(0);
            expect(cookie.attributes.path, name).to.equal('/');
            expect(cookie.attributes.secure, name).to.equal(true);
          }
        });
      }
    });

    describe('cookieCsrfProtect: false', () => {
      const { auth, http } = setup({ ...COOKIES, cookieCsrfProtect: false });

      it('sets no CSRF cookies, issues no csrf claim, and lets cookie POSTs through', async () => {
        const { cookies, csrf } = await login(http);
        expect(csrf).to.equal(null);
        expect([...cookies.keys()]).to.deep.equal(['access_token_cookie', 'refresh_token_cookie']);
        expect((await auth.verifyToken(cookieOf(cookies, 'access_token_cookie').value)).claims).not.to.have.property('csrf');
        expect((await http.post('/ck/me').set('Cookie', cookieHeader(cookies, 'access_token_cookie'))).status).to.equal(200);
      });
    });

    describe('custom names, attributes and methods', () => {
      const { http } = setup({
        tokenLocation: ['cookies'],
        accessCookieKey: 'at',
        refreshCookieKey: 'rt',
        accessCsrfCookieKey: 'at_csrf',
        refreshCsrfCookieKey: 'rt_csrf',
        csrfHeaderName: 'X-XSRF-TOKEN',
        csrfMethods: ['post', 'delete'],
        cookieSecure: false,
        cookieSameSite: 'strict',
        cookieDomain: 'example.test',
        cookiePath: '/ck',
        cookieMaxAge: 60,
      });

      it('uses them', async () => {
        const { cookies, csrf } = await login(http);
        expect([...cookies.keys()]).to.deep.equal(['at', 'at_csrf', 'rt', 'rt_csrf']);
        for (const [name, cookie] of cookies) {
          expect(cookie.attributes, name).to.include({ 'max-age': '60', domain: 'example.test', path: '/ck', samesite: 'Strict' });
          expect(cookie.attributes.secure, name).to.equal(undefined);
        }
        const cookie = cookieHeader(cookies, 'at');
        expectAuthError(await http.post('/ck/me').set('Cookie', cookie).set('X-CSRF-Token', String(csrf)), 401, 'csrf_failed', 'Missing CSRF token');
        expect((await http.post('/ck/me').set('Cookie', cookie).set('X-XSRF-TOKEN', String(csrf))).status).to.equal(200);
        expectAuthError(await http.delete('/ck/me').set('Cookie', cookie), 401, 'csrf_failed');
        // PUT is not in csrfMethods here.
        expect((await http.put('/ck/me').set('Cookie', cookie)).status).to.equal(200);
        const refreshed = await http.post('/ck/refresh').set('Cookie', cookieHeader(cookies, 'rt')).set('X-XSRF-TOKEN', cookieOf(cookies, 'rt_csrf').value);
        expect(refreshed.status, refreshed.text).to.equal(200);
      });
    });

    describe('session cookies (cookieMaxAge: null)', () => {
      const { http } = setup({ ...COOKIES, cookieMaxAge: null, cookieSameSite: null });

      it('sets neither Max-Age nor Expires, and no SameSite with null', async () => {
        const { cookies } = await login(http);
        for (const [name, cookie] of cookies) {
          expect(cookie.attributes, name).not.to.have.any.keys('max-age', 'expires', 'samesite');
        }
      });
    });
  });
}

describe('cookie options and helpers', () => {
  it('puts a csrf claim on new tokens only when cookies are configured and protection is on', async () => {
    const claims = async (options: PasetoAuthOptions) => {
      const auth = makeService(options);
      return [
        (await auth.verifyToken(await auth.createAccessToken({ subject: 'a' }))).claims,
        (await auth.verifyToken(await auth.createRefreshToken({ subject: 'a' }), { refreshToken: true })).claims,
        (await auth.verifyToken(await auth.createToken({ subject: 'a', type: 'email-verify' }), { type: 'email-verify' })).claims,
      ];
    };
    for (const each of await claims({})) expect(each).not.to.have.property('csrf');
    for (const each of await claims({ tokenLocation: ['cookies'], cookieCsrfProtect: false })) expect(each).not.to.have.property('csrf');
    const csrfs = (await claims({ tokenLocation: ['headers', 'cookies'] })).map((each) => each.csrf);
    for (const csrf of csrfs) expect(csrf).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set(csrfs).size).to.equal(3);
  });

  it("reserves the 'csrf' claim whatever the configuration", async () => {
    for (const options of [{}, COOKIES]) {
      let caught: unknown;
      try {
        await makeService(options).createAccessToken({ subject: 'a', userClaims: { csrf: 'mine' } });
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(TypeError);
      expect((caught as Error).message).to.contain('csrf');
    }
  });

  it('has documented defaults', () => {
    expect(makeService().config).to.deep.include({
      accessCookieKey: 'access_token_cookie',
      refreshCookieKey: 'refresh_token_cookie',
      cookieCsrfProtect: true,
      accessCsrfCookieKey: 'csrf_access_token',
      refreshCsrfCookieKey: 'csrf_refresh_token',
      csrfHeaderName: 'X-CSRF-Token',
      csrfMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
      cookieSecure: true,
      cookieSameSite: 'lax',
      cookieDomain: undefined,
      cookiePath: '/',
      cookieMaxAge: undefined,
    });
  });

  it('refuses bad cookie options at construction, naming the field', () => {
    const refused: Array<[PasetoAuthOptions, string]> = [
      [{ cookieSameSite: 'none', cookieSecure: false }, 'cookieSameSite'],
      [{ cookieSameSite: 'None' as 'none' }, 'cookieSameSite'],
      [{ accessCookieKey: 'a b' }, 'accessCookieKey'],
      [{ refreshCsrfCookieKey: 'x;y' }, 'refreshCsrfCookieKey'],
      [{ csrfHeaderName: 'X CSRF' }, 'csrfHeaderName'],
      [{ csrfMethods: ['POST', ''] }, 'csrfMethods'],
      [{ cookiePath: 'api' }, 'cookiePath'],
      [{ cookieDomain: 'a;b' }, 'cookieDomain'],
      [{ cookieMaxAge: 0 }, 'cookieMaxAge'],
      [{ cookieMaxAge: 1.5 }, 'cookieMaxAge'],
      [{ cookieCsrfProtect: 'yes' as unknown as boolean }, 'cookieCsrfProtect'],
    ];
    for (const [options, field] of refused) {
      expect(() => makeService(options), field).to.throw(PasetoConfigError).with.property('field', field);
    }
    expect(makeService({ cookieSameSite: 'none' }).config.cookieSameSite).to.equal('none');
  });

  it('refuses to set cookies for the wrong token type or a token without a csrf claim', async () => {
    const auth = makeService(COOKIES);
    const headers: Record<string, string | string[]> = {};
    const response: CookieResponseLike = {
      getHeader: (name) => headers[name.toLowerCase()],
      setHeader: (name, value) => (headers[name.toLowerCase()] = value),
    };
    let caught: unknown;
    try {
      await setAccessCookies(response, await auth.createRefreshToken({ subject: 'a' }), { auth });
    } catch (error) {
      caught = error;
    }
    expect((caught as { code?: string }).code).to.equal('wrong_token_type');

    const plain = makeService();
    caught = undefined;
    try {
      await setAccessCookies(response, await plain.createAccessToken({ subject: 'a' }), { auth });
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(TypeError);
    expect((caught as Error).message).to.contain("put 'cookies' in the tokenLocation");
    expect(headers).to.deep.equal({});

    // Existing Set-Cookie headers are kept; maxAge per call.
    headers['set-cookie'] = 'theme=dark';
    expect(await setAccessCookies(response, await auth.createAccessToken({ subject: 'a' }), { auth, maxAge: 5 })).to.be.a('string');
    const list = response.getHeader('Set-Cookie');
    if (!Array.isArray(list)) throw new Error('expected a list of Set-Cookie headers');
    expect(list).to.have.length(3);
    expect(list[0]).to.equal('theme=dark');
    expect(list[1]).to.match(/^access_token_cookie=v4\.local\.[^;]+; Max-Age=5; /);
  });
});
