import 'reflect-metadata';
import { expect } from 'chai';
import { generateKeys } from '../../src/keys/generate';
import type { PasetoAuthOptions } from '../../src/config/options';
import { FastapiRoutes } from './controllers';
import { EXPRESS_MAJORS, LOCAL_KEY, OTHER_KEY, bearer, client, expectAuthError, makeApp, makeService } from './helpers';

/**
 * fastapi-paseto's HTTP tests (tests/test_headers.py, test_json.py, test_url_protected.py,
 * test_overrides.py, test_denylist.py, test_paseto_features.py, test_decode_token.py), scenario for
 * scenario, through real servers of both express majors. Status codes are ours (DESIGN §3; the
 * 422s of fastapi-paseto are covered by the `statusCodes` override in errors.spec.ts).
 */
for (const major of EXPRESS_MAJORS) {
  describe(`HTTP, fastapi-paseto scenarios (${major.name})`, () => {
    const setup = (options: PasetoAuthOptions = {}) => {
      const auth = makeService(options);
      const app = makeApp(major.create, { controllers: [FastapiRoutes], auth });
      return { auth, app, http: client(app) };
    };

    describe('headers (test_headers.py)', () => {
      const { auth, http } = setup();

      it('refuses "Bearer" and "Bearer " without a token with bad_header', async () => {
        for (const value of ['Bearer', 'Bearer ']) {
          const res = await http.get('/fa/protected').set('Authorization', value);
          expectAuthError(res, 400, 'bad_header', "Bad Authorization header. Expected value 'Bearer <PASETO>'");
        }
      });

      it('refuses another scheme ("Test asd", "Test ")', async () => {
        for (const value of ['Test asd', 'Test ']) {
          const res = await http.get('/fa/protected').set('Authorization', value);
          expectAuthError(res, 400, 'bad_header', "Bad Authorization header. Expected value 'Bearer <PASETO>'");
        }
      });

      it('refuses extra parts', async () => {
        const token = await auth.createAccessToken({ subject: 'test' });
        const res = await http.get('/fa/protected').set('Authorization', `Bearer ${token} extra`);
        expectAuthError(res, 400, 'bad_header', undefined, [token]);
      });

      it('refuses an invalid PASETO with "Invalid PASETO format"', async () => {
        const res = await http.get('/fa/protected').set('Authorization', 'Bearer asd');
        expectAuthError(res, 401, 'invalid_token', 'Invalid PASETO format');
      });

      it('accepts a valid header, and the scheme in any case', async () => {
        const token = await auth.createAccessToken({ subject: 'test' });
        for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
          const res = await http.get('/fa/protected').set('Authorization', `${scheme} ${token}`);
          expect(res.status).to.equal(200);
          expect(res.body).to.deep.equal({ hello: 'world' });
        }
      });

      it('reads a per-route header name and prefix (tokenKey, tokenPrefix: null)', async () => {
        const token = await auth.createAccessToken({ subject: 'test' });
        expect((await http.get('/fa/custom_header').set('X-Api-Token', token)).status).to.equal(200);
        expectAuthError(await http.get('/fa/custom_header').set('X-Api-Token', `Bearer ${token}`), 400, 'bad_header', "Bad X-Api-Token header. Expected value '<PASETO>'");
        expectAuthError(await http.get('/fa/custom_header').set(bearer(token)), 401, 'token_missing');
      });
    });

    describe('bare-token headers (headerType: null)', () => {
      const { auth, http } = setup({ headerType: null });

      it('accepts a bare token and refuses a scheme', async () => {
        const token = await auth.createAccessToken({ subject: 'test' });
        expect((await http.get('/fa/protected').set('Authorization', token)).status).to.equal(200);
        const res = await http.get('/fa/protected').set(bearer(token));
        expectAuthError(res, 400, 'bad_header', "Bad Authorization header. Expected value '<PASETO>'", [token]);
      });
    });

    describe('custom header name and type', () => {
      const { auth, http } = setup({ headerName: 'X-Auth', headerType: 'PASETO' });

      it('reads the configured header with the configured scheme', async () => {
        const token = await auth.createAccessToken({ subject: 'test' });
        expect((await http.get('/fa/protected').set('X-Auth', `paseto ${token}`)).status).to.equal(200);
        expectAuthError(await http.get('/fa/protected').set(bearer(token)), 401, 'token_missing');
        expectAuthError(await http.get('/fa/protected').set('X-Auth', `Bearer ${token}`), 400, 'bad_header', "Bad X-Auth header. Expected value 'PASETO <PASETO>'");
      });
    });

    describe('json body (test_json.py)', () => {
      const { auth, http } = setup();
      let access: string;
      let refresh: string;
      before(async () => {
        access = await auth.createAccessToken({ subject: 'test', fresh: true });
        refresh = await auth.createRefreshToken({ subject: 'test' });
      });

      it('refuses an invalid token in the body', async () => {
        expectAuthError(await http.get('/fa/protected_json').send({ access_token: 'asd' }), 401, 'invalid_token', 'Invalid PASETO format');
      });

      it('does not look in the headers of a json route (wrong location)', async () => {
        expectAuthError(await http.get('/fa/protected_json').set(bearer(access)), 401, 'token_missing', 'PASETO Authorization Token required');
      });

      it('reads a refresh token under a custom key (tokenKey)', async () => {
        const res = await http.get('/fa/protected_json_refresh').send({ refresh_token: refresh });
        expect(res.status).to.equal(200);
        expect(res.body).to.deep.equal({ hello: 'world' });
      });

      it('reads refresh tokens from jsonRefreshKey by default on refresh routes', async () => {
        expect((await http.get('/fa/json_refresh_default_key').send({ refresh_token: refresh })).status).to.equal(200);
        expectAuthError(await http.get('/fa/json_refresh_default_key').send({ access_token: refresh }), 401, 'token_missing');
      });

      it('accepts a valid token in the body of a GET and of a POST', async () => {
        expect((await http.get('/fa/protected_json').send({ access_token: access })).body).to.deep.equal({ hello: 'world' });
        const res = await http.post('/fa/protected_json').send({ access_token: access, other: 1 });
        expect(res.status).to.equal(200);
        // The body the lookup read is kept for the route.
        expect(res.body.body).to.deep.equal({ access_token: access, other: 1 });
      });

      it('refuses a non-string, an empty, a null value with bad_header', async () => {
        for (const value of [123, true, { a: 1 }, ['x'], '', '   ', null]) {
          const res = await http.get('/fa/protected_json').send({ access_token: value });
          expectAuthError(res, 400, 'bad_header', "Bad access_token JSON field. Expected value '<PASETO>'");
        }
      });

      it('refuses extra parts in a bare value', async () => {
        expectAuthError(await http.get('/fa/protected_json').send({ access_token: `${access} extra` }), 400, 'bad_header', undefined, [access]);
      });

      it('reads the route with @Body, leaving the body to the route', async () => {
        const res = await http.post('/fa/json_with_body').send({ access_token: access, name: 'x' });
        expect(res.status).to.equal(200);
        expect(res.body).to.deep.equal({ body: { access_token: access, name: 'x' } });
      });

      it('searches headers then json when the route says so', async () => {
        expect((await http.get('/fa/headers_then_json').send({ access_token: access })).status).to.equal(200);
        expect((await http.get('/fa/headers_then_json').set(bearer(access))).status).to.equal(200);
        // A malformed header fails at once: it is not skipped for the body.
        expectAuthError(await http.get('/fa/headers_then_json').set('Authorization', 'Bearer').send({ access_token: access }), 400, 'bad_header');
      });
    });

    describe('json body with a prefix (jsonType)', () => {
      const { auth, http } = setup({ jsonType: 'Bearer' });

      it('accepts "Bearer <token>" and refuses a wrong prefix or extra parts', async () => {
        const token = await auth.createAccessToken({ subject: 'test' });
        expect((await http.get('/fa/protected_json').send({ access_token: `Bearer ${token}` })).status).to.equal(200);
        const message = "Bad access_token JSON field. Expected value 'Bearer <PASETO>'";
        expectAuthError(await http.get('/fa/protected_json').send({ access_token: `Token ${token}` }), 400, 'bad_header', message, [token]);
        expectAuthError(await http.get('/fa/protected_json').send({ access_token: `Bearer ${token} x` }), 400, 'bad_header', message, [token]);
        expectAuthError(await http.get('/fa/protected_json').send({ access_token: token }), 400, 'bad_header', message, [token]);
      });
    });

    describe('query and cookies (opt-in per route)', () => {
      const { auth, http } = setup();

      it('reads ?token= on a query route only', async () => {
        const token = await auth.createAccessToken({ subject: 'test' });
        expect((await http.get('/fa/query').query({ token })).status).to.equal(200);
        expectAuthError(await http.get('/fa/protected').query({ token }), 401, 'token_missing');
        expectAuthError(await http.get(`/fa/query?token=${token}&token=${token}`), 400, 'bad_header', "Bad token query param. Expected value '<PASETO>'", [token]);
      });

      it('reads the access_token_cookie cookie on a cookie route', async () => {
        const token = await auth.createAccessToken({ subject: 'test' });
        expect((await http.get('/fa/cookie').set('Cookie', `other=1; access_token_cookie=${token}`)).status).to.equal(200);
        expectAuthError(await http.get('/fa/cookie').set('Cookie', 'access_token_cookie='), 400, 'bad_header');
        expectAuthError(await http.get('/fa/cookie'), 401, 'token_missing');
      });

      it("refuses the socket-only 'auth' location given to auth.pasetoRequired() with invalid_argument", async () => {
        const token = await auth.createAccessToken({ subject: 'test' });
        expectAuthError(await http.get('/fa/auth_location').set(bearer(token)), 400, 'invalid_argument');
      });
    });

    describe('query in the configuration', () => {
      const { auth, http } = setup({ tokenLocation: ['headers', 'query'], queryKey: 'paseto' });

      it('searches the configured query key after the headers', async () => {
        const token = await auth.createAccessToken({ subject: 'test' });
        expect((await http.get('/fa/protected').query({ paseto: token })).status).to.equal(200);
        expect((await http.get('/fa/protected').set(bearer(token)).query({ paseto: 'junk' })).status).to.equal(200);
      });
    });

    describe('required, optional, fresh and refresh routes (test_url_protected.py)', () => {
      const { auth, http } = setup();

      it('answers 401 token_missing without a token on every required route', async () => {
        for (const url of ['/fa/protected', '/fa/refresh', '/fa/fresh']) {
          expectAuthError(await http.get(url), 401, 'token_missing', 'PASETO Authorization Token required');
        }
      });

      it('allows only access tokens on access routes, optional ones included', async () => {
        const token = await auth.createRefreshToken({ subject: 'test' });
        for (const url of ['/fa/protected', '/fa/optional', '/fa/fresh']) {
          expectAuthError(await http.get(url).set(bearer(token)), 401, 'wrong_token_type', 'Access token required but refresh provided');
        }
        const custom = await auth.createToken({ subject: 'test', type: 'email-verify' });
        expectAuthError(await http.get('/fa/protected').set(bearer(custom)), 401, 'wrong_token_type', 'Access token required but email-verify provided');
      });

      it('passes a valid access token', async () => {
        const token = await auth.createAccessToken({ subject: 'test' });
        expect((await http.get('/fa/protected').set(bearer(token))).body).to.deep.equal({ hello: 'world' });
      });

      it('lets an optional route through anonymously, also with an undecodable token', async () => {
        expect((await http.get('/fa/optional')).body).to.deep.equal({ hello: 'anonym' });
        expect((await http.get('/fa/optional').set(bearer('v4.local.junk'))).body).to.deep.equal({ hello: 'anonym' });
        const expired = await auth.createAccessToken({ subject: 'test', expiresIn: -10 });
        expect((await http.get('/fa/optional').set(bearer(expired))).body).to.deep.equal({ hello: 'anonym' });
        const token = await auth.createAccessToken({ subject: 'test' });
        expect((await http.get('/fa/optional').set(bearer(token))).body).to.deep.equal({ hello: 'world' });
      });

      it('still refuses a malformed header on an optional route', async () => {
        expectAuthError(await http.get('/fa/optional').set('Authorization', 'Bearer'), 400, 'bad_header');
      });

      it('allows only refresh tokens on refresh routes', async () => {
        const access = await auth.createAccessToken({ subject: 'test' });
        expectAuthError(await http.get('/fa/refresh').set(bearer(access)), 401, 'wrong_token_type', 'Refresh token required but access provided');
        const custom = await auth.createToken({ subject: 'test', type: 'other' });
        expectAuthError(await http.get('/fa/refresh').set(bearer(custom)), 401, 'wrong_token_type', 'Refresh token required but other provided');
        const refresh = await auth.createRefreshToken({ subject: 'test' });
        expect((await http.get('/fa/refresh').set(bearer(refresh))).body).to.deep.equal({ subject: 'test' });
      });

      it('allows only fresh access tokens on fresh routes', async () => {
        const stale = await auth.createAccessToken({ subject: 'test' });
        expectAuthError(await http.get('/fa/fresh').set(bearer(stale)), 401, 'fresh_token_required', 'PASETO access token is not fresh');
        const fresh = await auth.createAccessToken({ subject: 'test', fresh: true });
        expect((await http.get('/fa/fresh').set(bearer(fresh))).body).to.deep.equal({ hello: 'world' });
      });

      it('checks freshness through the @Auth handle too', async () => {
        const stale = await auth.createAccessToken({ subject: 'test' });
        expectAuthError(await http.get('/fa/handle_fresh').set(bearer(stale)), 401, 'fresh_token_required');
        const fresh = await auth.createAccessToken({ subject: 'test', fresh: true });
        expect((await http.get('/fa/handle_fresh').set(bearer(fresh))).body).to.deep.equal({ hello: 'fresh' });
      });

      it('refuses fresh and refreshToken together with invalid_argument', async () => {
        expectAuthError(await http.get('/fa/handle_fresh_and_refresh'), 400, 'invalid_argument', 'fresh and refresh_token cannot be True at the same time');
      });
    });

    describe('token overrides (test_overrides.py)', () => {
      const { auth, http } = setup();

      it('verifies the explicit token, not the header', async () => {
        const token = await auth.createAccessToken({ subject: 'test' });
        expectAuthError(await http.get('/fa/token_invalid_override').set(bearer(token)), 401, 'invalid_token', 'Invalid PASETO format');
      });

      it('needs no header with an explicit valid token', async () => {
        expect((await http.get('/fa/token_override')).body).to.deep.equal({ hello: 'world', subject: 'test' });
      });
    });

    describe('custom types (test_decode_token.py)', () => {
      const { auth, http } = setup();

      it('accepts the required custom type', async () => {
        const token = await auth.createToken({ subject: 'test', type: 'other' });
        expect((await http.get('/fa/other_type').set(bearer(token))).body).to.deep.equal({ hello: 'other' });
      });

      it('refuses another type, an empty type, an access token', async () => {
        const others = await auth.createToken({ subject: 'test', type: 'others' });
        expectAuthError(await http.get('/fa/other_type').set(bearer(others)), 401, 'wrong_token_type', 'other token required but others provided');
        const access = await auth.createAccessToken({ subject: 'test' });
        expectAuthError(await http.get('/fa/other_type').set(bearer(access)), 401, 'wrong_token_type', 'other token required but access provided');
      });
    });

    describe('decoding (test_decode_token.py)', () => {
      const { auth, http } = setup();

      it('refuses a token of another key with "Failed to decrypt."', async () => {
        const foreign = await makeService({ secretKey: OTHER_KEY }).createAccessToken({ subject: 'test' });
        expectAuthError(await http.get('/fa/protected').set(bearer(foreign)), 401, 'invalid_token', 'Failed to decrypt.', [foreign]);
      });

      it('refuses an expired token with "Token expired."', async () => {
        const token = await auth.createAccessToken({ subject: 'test', expiresIn: -3 });
        expectAuthError(await http.get('/fa/protected').set(bearer(token)), 401, 'token_expired', 'Token expired.');
      });

      it('returns the payload, subject and jti', async () => {
        const token = await auth.createAccessToken({ subject: 'test', fresh: true });
        const payload = (await http.get('/fa/raw_token').set(bearer(token))).body;
        expect(payload).to.include({ sub: 'test', type: 'access', fresh: true });
        expect(payload.jti).to.be.a('string');
        expect((await http.get('/fa/subject').set(bearer(token))).body).to.deep.equal({ subject: 'test' });
        expect((await http.get('/fa/get_jti').set(bearer(token))).body).to.deep.equal({ jti: payload.jti });
      });

      it('keeps a numeric subject a number', async () => {
        const token = await auth.createRefreshToken({ subject: 1 });
        expect((await http.get('/fa/refresh').set(bearer(token))).body).to.deep.equal({ subject: 1 });
      });

      it('accepts base64-encoded tokens on a base64 route and refuses invalid base64', async () => {
        const encoded = await auth.createAccessToken({ subject: 'test', base64Encode: true });
        expect((await http.get('/fa/base64').set(bearer(encoded))).body).to.deep.equal({ hello: 'base' });
        const broken = encoded.replace(/[aejA]/g, '=');
        expectAuthError(await http.get('/fa/base64').set(bearer(broken)), 401, 'invalid_token', 'Invalid base64 encoding');
        const plain = await auth.createAccessToken({ subject: 'test' });
        expectAuthError(await http.get('/fa/base64').set(bearer(plain)), 401, 'invalid_token', 'Invalid base64 encoding');
      });
    });

    describe('decode leeway', () => {
      const { auth, http } = setup({ decodeLeeway: 5 });

      it('accepts a token expired within the leeway, access and refresh', async () => {
        const access = await auth.createAccessToken({ subject: 'test', expiresIn: -1 });
        expect((await http.get('/fa/protected').set(bearer(access))).status).to.equal(200);
        const refresh = await auth.createRefreshToken({ subject: 'test', expiresIn: -1 });
        expect((await http.get('/fa/refresh').set(bearer(refresh))).body).to.deep.equal({ subject: 'test' });
      });
    });

    describe('issuer (test_decode_token.py)', () => {
      it('accepts tokens without iss when no issuer is required', async () => {
        const { auth, http } = setup();
        const token = await auth.createAccessToken({ subject: 'test' });
        expect((await http.get('/fa/protected').set(bearer(token))).status).to.equal(200);
      });

      it("refuses a missing iss, then a wrong one, when decodeIssuer is set", async () => {
        const { auth, http } = setup({ decodeIssuer: 'urn:foo' });
        const none = await auth.createAccessToken({ subject: 'test' });
        expectAuthError(await http.get('/fa/protected').set(bearer(none)), 401, 'invalid_issuer', "Token is missing the 'iss' claim");
        const wrong = await makeService({ encodeIssuer: 'urn:bar' }).createAccessToken({ subject: 'test' });
        expectAuthError(await http.get('/fa/protected').set(bearer(wrong)), 401, 'invalid_issuer', 'Token issuer is not valid');
      });

      it('accepts refresh and custom tokens with an explicit issuer', async () => {
        const { auth, http } = setup({ decodeIssuer: 'urn:example' });
        const refresh = await auth.createRefreshToken({ subject: 'refresh-user', issuer: 'urn:example' });
        const custom = await auth.createToken({ subject: 'custom-user', type: 'email-verify', issuer: 'urn:example' });
        expect((await http.get('/fa/refresh').set(bearer(refresh))).body).to.deep.equal({ subject: 'refresh-user' });
        expect((await http.get('/fa/custom').set(bearer(custom))).body).to.deep.equal({ subject: 'custom-user' });
      });
    });

    describe('audience (test_decode_token.py)', () => {
      it('accepts tokens whose audience is accepted, access and refresh', async () => {
        const { auth, http } = setup({ decodeAudience: ['foo', 'bar'] });
        const access = await auth.createAccessToken({ subject: 1, audience: ['foo', 'bar'] });
        expect((await http.get('/fa/protected').set(bearer(access))).status).to.equal(200);
        const refresh = await auth.createRefreshToken({ subject: 1, audience: ['foo', 'bar'] });
        expect((await http.get('/fa/refresh').set(bearer(refresh))).body).to.deep.equal({ subject: 1 });
      });

      it('refuses a wrong or a missing audience', async () => {
        const { auth, http } = setup({ decodeAudience: 'foo' });
        const access = await auth.createAccessToken({ subject: 1, audience: 'bar' });
        expectAuthError(await http.get('/fa/protected').set(bearer(access)), 401, 'invalid_audience', 'aud verification failed.');
        const refresh = await auth.createRefreshToken({ subject: 1 });
        expectAuthError(await http.get('/fa/refresh').set(bearer(refresh)), 401, 'invalid_audience', 'aud verification failed.');
      });
    });

    describe('footers, implicit assertions and public tokens (test_paseto_features.py)', () => {
      const publicPair = generateKeys({ version: 4, purpose: 'public' });
      const { auth, http } = setup({
        secretKey: undefined,
        keys: [
          { purpose: 'local', secretKey: LOCAL_KEY },
          { purpose: 'public', privateKey: publicPair.privateKey, publicKey: publicPair.publicKey },
        ],
      });

      it('round-trips a footer on a local token', async () => {
        const token = await auth.createAccessToken({ subject: 'footer-user', footer: { app: 'example' } });
        const body = (await http.get('/fa/footer').set(bearer(token))).body;
        expect(body.footer).to.include({ app: 'example' });
        expect(body.payload).to.include({ sub: 'footer-user', type: 'access', fresh: false });
        expect(body.payload).to.have.keys('sub', 'type', 'fresh', 'jti', 'iat', 'nbf', 'exp');
      });

      it('accepts a public token', async () => {
        const token = await auth.createAccessToken({ subject: 'public-user', purpose: 'public' });
        expect(token.startsWith('v4.public.')).to.equal(true);
        expect((await http.get('/fa/subject').set(bearer(token))).body).to.deep.equal({ subject: 'public-user' });
      });

      it('accepts a public refresh token with a footer', async () => {
        const token = await auth.createRefreshToken({ subject: 'refresh-user', purpose: 'public', footer: { app: 'example' } });
        expect((await http.get('/fa/refresh').set(bearer(token))).body).to.deep.equal({ subject: 'refresh-user' });
        const body = (await http.get('/fa/refresh_footer').set(bearer(token))).body;
        expect(body.footer).to.include({ app: 'example' });
        expect(body.payload).to.include({ sub: 'refresh-user', type: 'refresh' });
      });

      it('needs the implicit assertion the token was made with', async () => {
        const token = await auth.createAccessToken({ subject: 'asserted-user', implicitAssertion: 'channel-binding' });
        expect((await http.get('/fa/implicit').set(bearer(token))).body).to.deep.equal({ subject: 'asserted-user' });
        expectAuthError(await http.get('/fa/protected').set(bearer(token)), 401, 'invalid_token', 'Failed to decrypt.');
      });
    });

    describe('denylist (test_denylist.py)', () => {
      const variants: ReadonlyArray<{ checks: string[]; access: boolean; refresh: boolean }> = [
        { checks: ['access', 'refresh'], access: true, refresh: true },
        { checks: ['access'], access: true, refresh: false },
        { checks: ['refresh'], access: false, refresh: true },
      ];
      for (const variant of variants) {
        describe(`denylistTokenChecks ${JSON.stringify(variant.checks)}`, () => {
          const denylist = new Set<string>();
          let access: string;
          let refresh: string;
          const { auth, http } = setup({
            denylistEnabled: true,
            denylistTokenChecks: variant.checks,
            tokenInDenylistLoader: (token) => denylist.has(token.jti ?? ''),
          });
          before(async () => {
            access = await auth.createAccessToken({ subject: 'test', fresh: true });
            refresh = await auth.createRefreshToken({ subject: 'test' });
          });

          it('passes tokens that are not revoked', async () => {
            for (const url of ['/fa/protected', '/fa/optional', '/fa/fresh']) {
              expect((await http.get(url).set(bearer(access))).body).to.deep.equal({ hello: 'world' });
            }
            expect((await http.get('/fa/refresh').set(bearer(refresh))).status).to.equal(200);
          });

          it(`${variant.access ? 'refuses' : 'ignores'} a revoked access token, ${variant.refresh ? 'refuses' : 'ignores'} a revoked refresh token`, async () => {
            denylist.add((await http.get('/fa/get_jti').set(bearer(access))).body.jti);
            denylist.add((await http.get('/fa/get_refresh_jti').set(bearer(refresh))).body.jti);
            for (const url of ['/fa/protected', '/fa/optional', '/fa/fresh']) {
              const res = await http.get(url).set(bearer(access));
              if (variant.access) expectAuthError(res, 401, 'token_revoked', 'Token has been revoked');
              else expect(res.status).to.equal(200);
            }
            const res = await http.get('/fa/refresh').set(bearer(refresh));
            if (variant.refresh) expectAuthError(res, 401, 'token_revoked', 'Token has been revoked');
            else expect(res.status).to.equal(200);
          });
        });
      }

      it('refuses a token revoked through the service (memory store)', async () => {
        const { auth, http } = setup({ denylistEnabled: true });
        const token = await auth.createAccessToken({ subject: 'test' });
        expect((await http.get('/fa/protected').set(bearer(token))).status).to.equal(200);
        await auth.revokeToken(token);
        expectAuthError(await http.get('/fa/protected').set(bearer(token)), 401, 'token_revoked');
        // Revoked still fails on optional routes.
        expectAuthError(await http.get('/fa/optional').set(bearer(token)), 401, 'token_revoked');
      });
    });
  });
}
