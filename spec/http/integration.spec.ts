import 'reflect-metadata';
import { expect } from 'chai';
import { Container } from 'typedi';
import { Authorized, Get, HttpError, JsonController, type Action } from 'routing-controllers';
import type { Express, NextFunction, Request, Response } from 'express';
import { PASETO_CONFIG, type PasetoAuthService } from '../../src/service';
import { PasetoConfigError } from '../../src/errors';
import { PasetoOptional, PasetoRequired } from '../../src/http/decorators';
import { pasetoErrorOverridingMap } from '../../src/http/error-handler';
import { pasetoAuthorizationChecker, pasetoCurrentUserChecker } from '../../src/http/checkers';
import type { VerifiedToken } from '../../src/tokens/types';
import type { DenylistStore } from '../../src/denylist/store';
import { FastapiRoutes, PlainController, RolesController, UsersController } from './controllers';
import { EXPRESS_MAJORS, LOCAL_KEY, bearer, client, expectAuthError, makeApp, makeService } from './helpers';

interface User {
  id: string | number;
  name: string;
}

class LoaderFailure extends Error {
  constructor() {
    super('database down');
    this.name = 'LoaderFailure';
  }
}

/** Counts real verifications by wrapping `authenticateNow` of a real service (no crypto mocked). */
function countVerifications(auth: PasetoAuthService): { count: number } {
  const counter = { count: 0 };
  // authenticateNow is where every adapter's verification enters the service.
  const original = auth.authenticateNow.bind(auth);
  auth.authenticateNow = (token, options) => {
    if (token !== undefined) counter.count += 1;
    return original(token, options);
  };
  return counter;
}

for (const major of EXPRESS_MAJORS) {
  describe(`HTTP integration (${major.name})`, () => {
    describe('roles', () => {
      const auth = makeService();
      const http = client(makeApp(major.create, { controllers: [RolesController, PlainController], auth }));
      const withRoles = (roles: string[] | string, extra: { fresh?: boolean } = {}) => auth.createAccessToken({ subject: 'u', userClaims: { roles }, ...extra });

      it('requires class-level roles on every route of the controller', async () => {
        expect((await http.get('/roles/member').set(bearer(await withRoles(['member'])))).status).to.equal(200);
        const res = await http.get('/roles/member').set(bearer(await withRoles(['admin'])));
        expectAuthError(res, 403, 'insufficient_role', 'Token lacks a required role');
        expect(res.headers['www-authenticate']).to.match(/^Bearer error="insufficient_scope"/);
      });

      it('adds method-level roles to class-level ones (all required)', async () => {
        expectAuthError(await http.get('/roles/admin').set(bearer(await withRoles(['admin']))), 403, 'insufficient_role');
        expect((await http.get('/roles/admin').set(bearer(await withRoles(['member', 'admin'])))).status).to.equal(200);
        expectAuthError(await http.get('/roles/admin_and_ops').set(bearer(await withRoles(['member', 'admin']))), 403, 'insufficient_role');
        expect((await http.get('/roles/admin_and_ops').set(bearer(await withRoles(['member', 'admin', 'ops'])))).status).to.equal(200);
      });

      it('accepts any one of anyRole', async () => {
        expect((await http.get('/roles/any').set(bearer(await withRoles(['member', 'ops'])))).status).to.equal(200);
        expect((await http.get('/roles/any').set(bearer(await withRoles(['member', 'admin'])))).status).to.equal(200);
        expectAuthError(await http.get('/roles/any').set(bearer(await withRoles(['member']))), 403, 'insufficient_role');
      });

      it('combines roles with other requirements', async () => {
        expectAuthError(await http.get('/roles/fresh_admin').set(bearer(await withRoles(['member', 'admin']))), 401, 'fresh_token_required');
        expect((await http.get('/roles/fresh_admin').set(bearer(await withRoles(['member', 'admin'], { fresh: true })))).status).to.equal(200);
      });

      it('accepts a space-separated roles string (OAuth scope style)', async () => {
        expect((await http.get('/roles/admin').set(bearer(await withRoles('member admin')))).status).to.equal(200);
      });

      it('reads roles from the configured rolesClaim', async () => {
        const scoped = makeService({ rolesClaim: 'scope' });
        const app = client(makeApp(major.create, { controllers: [RolesController], auth: scoped }));
        const token = await scoped.createAccessToken({ subject: 'u', userClaims: { scope: 'member admin', roles: [] } });
        expect((await app.get('/roles/admin').set(bearer(token))).status).to.equal(200);
      });

      it('answers 401, not 403, without a token, and on optional routes with roles', async () => {
        expectAuthError(await http.get('/roles/admin'), 401, 'token_missing');
        expectAuthError(await http.get('/plain/optional_roles'), 401, 'token_missing');
        expect((await http.get('/plain/optional_roles').set(bearer(await withRoles(['admin'])))).status).to.equal(200);
      });
    });

    describe('current user', () => {
      const users: Record<string, User> = { alice: { id: 'alice', name: 'Alice' }, bob: { id: 'bob', name: 'Bob' } };

      it('gives the VerifiedToken without a loader', async () => {
        const auth = makeService();
        const http = client(makeApp(major.create, { controllers: [PlainController], auth }));
        const token = await auth.createAccessToken({ subject: 'alice' });
        expect((await http.get('/plain/authorized').set(bearer(token))).body).to.deep.equal({ subject: 'alice' });
      });

      it('gives the loaded user with a loader', async () => {
        const auth = makeService();
        const http = client(makeApp(major.create, { controllers: [UsersController], auth, userLoader: (t: VerifiedToken) => users[String(t.subject)] }));
        const token = await auth.createAccessToken({ subject: 'alice' });
        expect((await http.get('/users/me').set(bearer(token))).body).to.deep.equal({ user: users.alice });
      });

      it('answers 401 user_not_found, with our message and no URL, when the loader finds nobody', async () => {
        const auth = makeService();
        const http = client(makeApp(major.create, { controllers: [UsersController], auth, userLoader: () => undefined }));
        const token = await auth.createAccessToken({ subject: 'ghost' });
        const res = await http.get('/users/me?secret=s3cr3t').set(bearer(token));
        expectAuthError(res, 401, 'user_not_found', 'User not found', ['s3cr3t', '/users/me', token]);
        expect(res.headers['www-authenticate']).to.match(/^Bearer error="invalid_token"/);
      });

      it('treats an unguarded @CurrentUser() as optional', async () => {
        const auth = makeService();
        const http = client(makeApp(major.create, { controllers: [UsersController], auth, userLoader: (t: VerifiedToken) => users[String(t.subject)] }));
        expect((await http.get('/users/maybe')).body).to.deep.equal({ user: null });
        expect((await http.get('/users/maybe').set(bearer('v4.local.junk'))).body).to.deep.equal({ user: null });
        expect((await http.get('/users/maybe').set(bearer(await auth.createAccessToken({ subject: 'bob' })))).body).to.deep.equal({ user: users.bob });
        // Wrong type still fails, as on optional routes.
        expectAuthError(await http.get('/users/maybe').set(bearer(await auth.createRefreshToken({ subject: 'bob' }))), 401, 'wrong_token_type');
        expect((await http.get('/users/optional')).body).to.deep.equal({ user: null });
      });

      it("hands a loader's own error to the error handler as itself", async () => {
        const auth = makeService();
        const failure = new LoaderFailure();
        let seen: unknown;
        const app = makeApp(major.create, {
          controllers: [UsersController],
          auth,
          defaultErrorHandler: false,
          userLoader: () => Promise.reject(failure),
          after: (a: Express) =>
            a.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
              seen = error;
              res.status(500).json({ handled: true });
            }),
        });
        const res = await client(app).get('/users/me').set(bearer(await auth.createAccessToken({ subject: 'alice' })));
        expect(res.status).to.equal(500);
        expect(res.body).to.deep.equal({ handled: true });
        expect(seen).to.equal(failure);
      });

      it("renders a loader's HttpError with its own status under the default handler", async () => {
        const auth = makeService();
        const app = makeApp(major.create, { controllers: [UsersController], auth, userLoader: () => Promise.reject(new HttpError(418, 'teapot')) });
        const res = await client(app).get('/users/me').set(bearer(await auth.createAccessToken({ subject: 'alice' })));
        expect(res.status).to.equal(418);
        expect(res.body.code).to.equal(undefined);
      });

      it('keeps the URL out of an unguarded required @CurrentUser (error handler, or errorOverridingMap)', async () => {
        const auth = makeService();
        const ours = client(makeApp(major.create, { controllers: [UsersController], auth, defaultErrorHandler: false }));
        const res = await ours.get('/users/required_unguarded?secret=s3cr3t');
        expectAuthError(res, 401, 'token_missing', 'PASETO Authorization Token required', ['s3cr3t', '/users/']);
        expect(res.headers['www-authenticate']).to.equal('Bearer');
        const mapped = client(makeApp(major.create, { controllers: [UsersController], auth, errorOverridingMap: { ...pasetoErrorOverridingMap } }));
        expectAuthError(await mapped.get('/users/required_unguarded?secret=s3cr3t'), 401, 'token_missing', 'PASETO Authorization Token required', ['s3cr3t', '/users/']);
      });
    });

    describe('one verification per request, no leak between requests', () => {
      it('shares one verification between the guard, @CurrentUser (twice), @Auth and auth.pasetoRequired()', async () => {
        const auth = makeService();
        const counter = countVerifications(auth);
        let loads = 0;
        const http = client(
          makeApp(major.create, {
            controllers: [UsersController],
            auth,
            userLoader: (t: VerifiedToken) => {
              loads += 1;
              return { id: t.subject };
            },
          }),
        );
        const token = await auth.createAccessToken({ subject: 'alice' });
        const res = await http.get('/users/all').set(bearer(token));
        expect(res.body).to.deep.equal({ user: { id: 'alice' }, same: true, subject: 'alice' });
        expect(counter.count).to.equal(1);
        expect(loads).to.equal(1);
        await http.get('/users/all').set(bearer(token));
        expect(counter.count).to.equal(2);
      });

      it('never gives a request the previous or a concurrent request’s user', async () => {
        const auth = makeService();
        const http = client(makeApp(major.create, { controllers: [UsersController], auth, userLoader: (t: VerifiedToken) => ({ id: t.subject }) }));
        const token = await auth.createAccessToken({ subject: 'alice' });
        expect((await http.get('/users/maybe').set(bearer(token))).body).to.deep.equal({ user: { id: 'alice' } });
        expect((await http.get('/users/maybe')).body).to.deep.equal({ user: null });
        const subjects = Array.from({ length: 30 }, (_, i) => `user-${i}`);
        const tokens = await Promise.all(subjects.map((subject) => auth.createAccessToken({ subject })));
        const responses = await Promise.all(tokens.map((t, i) => (i % 3 === 0 ? http.get('/users/maybe') : http.get('/users/maybe').set(bearer(t)))));
        responses.forEach((r, i) => expect(r.body).to.deep.equal({ user: i % 3 === 0 ? null : { id: subjects[i] } }));
      });
    });

    describe('errors: status, body, WWW-Authenticate, no leaks', () => {
      for (const defaultErrorHandler of [true, false]) {
        describe(defaultErrorHandler ? "routing-controllers' default handler" : 'defaultErrorHandler: false + pasetoErrorHandler()', () => {
          const auth = makeService();
          const http = client(makeApp(major.create, { controllers: [FastapiRoutes, RolesController], auth, defaultErrorHandler }));

          it('sends { name, message, code, status } with the RFC 6750 header', async () => {
            const missing = await http.get('/fa/protected');
            expect(missing.body).to.deep.equal({ name: 'AuthPasetoError', message: 'PASETO Authorization Token required', code: 'token_missing', status: 401 });
            expect(missing.headers['www-authenticate']).to.equal('Bearer');
            const invalid = await http.get('/fa/protected').set(bearer('v4.local.junk'));
            expect(invalid.headers['www-authenticate']).to.equal('Bearer error="invalid_token", error_description="Invalid PASETO format"');
            const forbidden = await http.get('/roles/admin').set(bearer(await auth.createAccessToken({ subject: 'u', userClaims: { roles: ['member'] } })));
            expect(forbidden.status).to.equal(403);
            expect(forbidden.headers['www-authenticate']).to.equal('Bearer error="insufficient_scope", error_description="Token lacks a required role"');
            const bad = await http.get('/fa/protected').set('Authorization', 'Basic abc');
            expect(bad.status).to.equal(400);
            expect(bad.headers['www-authenticate']).to.match(/^Bearer error="invalid_request"/);
          });

          it('sets the header for errors of the @Auth handle too', async () => {
            const res = await http.get('/fa/handle_fresh').set(bearer(await auth.createAccessToken({ subject: 'u' })));
            expect(res.status).to.equal(401);
            expect(res.headers['www-authenticate']).to.match(/^Bearer error="invalid_token"/);
          });

          it('never puts the token, the URL or its query string in a message', async () => {
            const token = await auth.createAccessToken({ subject: 'u' });
            const refresh = await auth.createRefreshToken({ subject: 'u' });
            const cases: Array<[string, Record<string, string>]> = [
              ['/fa/protected', {}],
              ['/fa/protected', { Authorization: `Bearer ${token} x` }],
              ['/fa/protected', { Authorization: `Bearer ${token.slice(0, -4)}AAAA` }],
              ['/fa/protected', { Authorization: `Bearer ${refresh}` }],
              ['/fa/fresh', { Authorization: `Bearer ${token}` }],
              ['/roles/admin', { Authorization: `Bearer ${token}` }],
              ['/fa/query', {}],
            ];
            for (const [url, headers] of cases) {
              const res = await http.get(`${url}?secret=s3cr3t&token=${encodeURIComponent('v4.local.' + 'x'.repeat(40))}`).set(headers);
              expect(res.status).to.be.within(400, 499);
              expect(res.text).not.to.contain('s3cr3t');
              expect(res.text).not.to.contain(url);
              expect(res.text).not.to.contain(token);
              expect(res.text).not.to.contain(refresh);
            }
          });
        });
      }

      it('uses the configured header type as the challenge scheme', async () => {
        const auth = makeService({ headerType: 'PASETO' });
        const res = await client(makeApp(major.create, { controllers: [FastapiRoutes], auth })).get('/fa/protected');
        expect(res.headers['www-authenticate']).to.equal('PASETO');
      });

      it('applies statusCodes overrides (422 as fastapi-paseto)', async () => {
        const auth = makeService({ statusCodes: { invalid_token: 422, bad_header: 422, wrong_token_type: 422 } });
        for (const defaultErrorHandler of [true, false]) {
          const http = client(makeApp(major.create, { controllers: [FastapiRoutes], auth, defaultErrorHandler }));
          const res = await http.get('/fa/protected').set(bearer('asd'));
          expectAuthError(res, 422, 'invalid_token', 'Invalid PASETO format');
          expect(res.body.status).to.equal(422);
          expectAuthError(await http.get('/fa/protected').set('Authorization', 'Bearer'), 422, 'bad_header');
          expectAuthError(await http.get('/fa/protected'), 401, 'token_missing');
        }
      });

      it('never answers 500 to bad input', async () => {
        const auth = makeService();
        const http = client(makeApp(major.create, { controllers: [FastapiRoutes], auth, bodyLimit: 1024 }));
        const headers = [
          'Bearer v4.local.',
          'Bearer v4.public.AAAA',
          'Bearer v2.local.AAAA',
          'Bearer v4.local.!!!!',
          'Bearer v4.local.AAAA.BBBB',
          'Bearer v4.local.AAAA.!!!!',
          'Bearer v4.secret.AAAA',
          'Bearer ....',
          `Bearer v4.local.${'A'.repeat(16000)}`,
          'Bearer \t x',
        ];
        for (const value of headers) {
          for (const url of ['/fa/protected', '/fa/optional', '/fa/base64', '/fa/refresh']) {
            const res = await http.get(url).set('Authorization', value);
            expect(res.status, `${url} ${value.slice(0, 40)}`).to.be.within(200, 499);
          }
        }
        const bodies: Array<[string, string, number]> = [
          ['application/json', '{"access_token":', 400],
          ['application/json', 'null', 401],
          ['application/json', '[1,2]', 401],
          ['application/json', '"v4.local.x"', 401],
          ['text/plain', 'access_token=v4.local.x', 401],
          ['application/x-www-form-urlencoded', 'access_token=v4.local.x', 401],
          ['application/json', JSON.stringify({ access_token: 'x'.repeat(4096) }), 413],
          ['application/json; charset=latin1', '{}', 415],
        ];
        for (const [type, body, status] of bodies) {
          const res = await http.post('/fa/protected_json').set('Content-Type', type).send(body);
          expect(res.status, `${type} ${body.slice(0, 20)}`).to.equal(status);
        }
        const gz = await http.post('/fa/protected_json').set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').send('{}');
        expect(gz.status).to.equal(415);
      });
    });

    describe('JSON bodies and other parsers', () => {
      it('reads the token from a body a global express.json() already parsed', async () => {
        const auth = makeService();
        const parser = major.name === 'express 4' ? require('express').json() : require('express5').json();
        const http = client(makeApp(major.create, { controllers: [FastapiRoutes], auth, setup: (app) => app.use(parser) }));
        const token = await auth.createAccessToken({ subject: 't' });
        const res = await http.post('/fa/protected_json').send({ access_token: token, keep: true });
        expect(res.status).to.equal(200);
        expect(res.body.body).to.deep.equal({ access_token: token, keep: true });
      });

      it('reads a large body within the configured limit', async () => {
        const auth = makeService();
        const http = client(makeApp(major.create, { controllers: [FastapiRoutes], auth, bodyLimit: 1024 * 1024 }));
        const token = await auth.createAccessToken({ subject: 't' });
        const res = await http.post('/fa/protected_json').send({ access_token: token, pad: 'x'.repeat(500 * 1024) });
        expect(res.status).to.equal(200);
        const tooBig = await http.post('/fa/protected_json').send({ access_token: token, pad: 'x'.repeat(1100 * 1024) });
        expect(tooBig.status).to.equal(413);
      });

      it('renders body errors as JSON with defaultErrorHandler: false', async () => {
        const auth = makeService();
        const http = client(makeApp(major.create, { controllers: [FastapiRoutes], auth, defaultErrorHandler: false }));
        const res = await http.post('/fa/protected_json').set('Content-Type', 'application/json').send('{oops');
        expect(res.status).to.equal(400);
        expect(res.body).to.deep.equal({ name: 'RequestBodyError', message: 'Malformed JSON body', status: 400 });
      });
    });
  });
}

describe('HTTP wiring', () => {
  it('resolves Container.get(PasetoAuthService) at the first request, after the app is built', async () => {
    // Options left by another spec would make the checkers resolve at wiring.
    Container.remove(PASETO_CONFIG);
    Container.reset();
    const app = makeApp(EXPRESS_MAJORS[0].create, { controllers: [PlainController] });
    Container.set(PASETO_CONFIG, { secretKey: LOCAL_KEY });
    try {
      const token = await makeService().createAccessToken({ subject: 'from-container' });
      expect((await client(app).get('/plain/authorized').set(bearer(token))).body).to.deep.equal({ subject: 'from-container' });
    } finally {
      // resetValue keeps the @Service registration (Container.remove would drop it for good).
      Container.reset();
    }
  });

  it('refuses two requirement decorators on one method at startup', () => {
    expect(() => {
      @JsonController('/twice')
      class Twice {
        @Get('/')
        @PasetoRequired({ fresh: true })
        @Authorized('admin')
        twice() {
          return {};
        }
      }
      return Twice;
    }).to.throw(PasetoConfigError, /already has @Authorized/);
  });

  it('refuses a plain method @Authorized() that a class-level optional / refresh / custom-type requirement would loosen', () => {
    expect(() => {
      @JsonController('/loosened-optional')
      @PasetoOptional()
      class MostlyPublic {
        @Get('/locked')
        @Authorized()
        locked() {
          return {};
        }
      }
      return MostlyPublic;
    }).to.throw(PasetoConfigError, /MostlyPublic\.locked has a plain @Authorized\(\).*@PasetoRequired\(\)/);
    for (const classRequirement of [{ type: 'email-verify' }, { refreshToken: true }]) {
      expect(() => {
        @JsonController('/loosened-type')
        @PasetoRequired(classRequirement)
        class Mailed {
          @Get('/account')
          @Authorized('admin')
          account() {
            return {};
          }
        }
        return Mailed;
      }, JSON.stringify(classRequirement)).to.throw(PasetoConfigError, /Mailed\.account/);
    }
  });

  it('lets a method under an optional class say what it needs, and enforces it', async () => {
    @JsonController('/mostly-public')
    @PasetoOptional()
    class MostlyPublic {
      @Get('/open')
      open() {
        return { open: true };
      }

      @Get('/members')
      @Authorized('member')
      members() {
        return { members: true };
      }

      @Get('/locked')
      @PasetoRequired({ optional: false })
      locked() {
        return { locked: true };
      }
    }
    const auth = makeService();
    const http = client(makeApp(EXPRESS_MAJORS[0].create, { controllers: [MostlyPublic], auth }));
    expect((await http.get('/mostly-public/open')).status).to.equal(200);
    expect((await http.get('/mostly-public/members')).status).to.equal(401);
    expect((await http.get('/mostly-public/locked')).status).to.equal(401);
    const member = await auth.createAccessToken({ subject: 'alice', userClaims: { roles: ['member'] } });
    expect((await http.get('/mostly-public/locked').set(bearer(member))).status).to.equal(200);
    expect((await http.get('/mostly-public/members').set(bearer(member))).status).to.equal(200);
  });

  it('answers synchronously when nothing has to wait, and with a promise when the denylist store is async', async () => {
    const request = (token: string) => ({ request: { headers: { authorization: `Bearer ${token}` } }, response: {} }) as unknown as Action;
    const sync = makeService({ denylistEnabled: true });
    const token = await sync.createAccessToken({ subject: 'alice' });
    expect(pasetoAuthorizationChecker(sync)(request(token), [])).to.equal(true);
    const store: DenylistStore = { isRevoked: async () => false, revoke: async () => undefined };
    const async = makeService({ denylistEnabled: true, denylist: store });
    const later = pasetoAuthorizationChecker(async)(request(await async.createAccessToken({ subject: 'alice' })), []);
    expect(later).to.be.instanceOf(Promise);
    expect(await later).to.equal(true);
  });

  it('refuses a user loader passed where the service goes, when the checker is created', () => {
    const loader = (token: VerifiedToken): { id: string } => ({ id: String(token.subject) });
    expect(() => pasetoCurrentUserChecker(loader as unknown as () => PasetoAuthService)).to.throw(PasetoConfigError, /userLoader/);
    expect(() => pasetoAuthorizationChecker(loader as unknown as () => PasetoAuthService)).to.throw(PasetoConfigError, /userLoader/);
  });

  it('refuses fresh and refreshToken together at decoration', () => {
    expect(() => PasetoRequired({ fresh: true, refreshToken: true })).to.throw(PasetoConfigError);
  });
});
