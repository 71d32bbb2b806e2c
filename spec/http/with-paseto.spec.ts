import 'reflect-metadata';
import { expect } from 'chai';
import { request as httpRequest, Agent, createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Container, Service } from 'typedi';
import {
  Authorized,
  Body,
  Controller,
  CurrentUser,
  Get,
  JsonController,
  Post,
  UnauthorizedError,
  getMetadataArgsStorage,
  useContainer,
  useExpressServer,
  type RoutingControllersOptions,
} from 'routing-controllers';
import type { Express } from 'express';
import { PasetoConfigError } from '../../src/errors';
import { PASETO_CONFIG } from '../../src/service';
import { PasetoOptional, RefreshTokenRequired } from '../../src/http/decorators';
import { Public } from '../../src/http/public';
import { withPaseto, type WithPasetoOptions } from '../../src/http/with-paseto';
import { pasetoAuthorizationChecker, pasetoCurrentUserChecker } from '../../src/http/checkers';
import { EXPRESS_MAJORS, LOCAL_KEY, bearer, client, makeService } from './helpers';

class BaseRoutes {
  @Get('/inherited')
  inherited() {
    return { route: 'inherited' };
  }
}

@JsonController('/open')
class OpenRoutes extends BaseRoutes {
  @Get('/plain')
  plain(@CurrentUser() user: { subject: string } | null) {
    return { route: 'plain', subject: user?.subject ?? null };
  }

  @Get('/public')
  @Public()
  publicRoute() {
    return { route: 'public' };
  }

  @Get('/admin')
  @Authorized('admin')
  admin() {
    return { route: 'admin' };
  }

  @Get('/optional')
  @PasetoOptional()
  optional() {
    return { route: 'optional' };
  }

  @Post('/refresh')
  @RefreshTokenRequired()
  refresh() {
    return { route: 'refresh' };
  }
}

@JsonController('/all-public')
@Public()
class PublicRoutes {
  @Get('/open')
  open() {
    return { route: 'open' };
  }

  @Get('/guarded')
  @Authorized()
  guarded() {
    return { route: 'guarded' };
  }
}

@JsonController('/guarded-class')
@Authorized()
class GuardedRoutes {
  @Get('/plain')
  plain() {
    return { route: 'guarded-class' };
  }
}

const CONTROLLERS = [OpenRoutes, PublicRoutes, GuardedRoutes];

function appWith(create: () => Express, options: RoutingControllersOptions, paseto: WithPasetoOptions): Express {
  const app = create();
  useExpressServer(app, withPaseto(options, paseto));
  return app;
}

describe('withPaseto', () => {
  const auth = makeService({ statusCodes: { token_missing: 401 } });

  for (const major of EXPRESS_MAJORS) {
    describe(`secureByDefault walks a controller set (${major.name})`, () => {
      it('with secureByDefault: routes without a guard of their own need an access token, unless @Public()', async () => {
        const http = client(appWith(major.create, { controllers: CONTROLLERS }, { auth, secureByDefault: true }));
        const access = await auth.createAccessToken({ subject: 'alice' });
        const refresh = await auth.createRefreshToken({ subject: 'alice' });

        for (const path of ['/open/plain', '/open/inherited']) {
          const refused = await http.get(path);
          expect(refused.status, path).to.equal(401);
          expect(refused.body.code).to.equal('token_missing');
          expect(refused.headers['www-authenticate']).to.equal('Bearer');
          expect((await http.get(path).set(bearer(access))).status, path).to.equal(200);
        }
        expect((await http.get('/open/plain').set(bearer(access))).body).to.deep.equal({ route: 'plain', subject: 'alice' });
        // A refresh token is not an access token.
        expect((await http.get('/open/plain').set(bearer(refresh))).body.code).to.equal('wrong_token_type');

        expect((await http.get('/open/public')).status).to.equal(200);
        expect((await http.get('/all-public/open')).status).to.equal(200);
        // Routes' own decorators still apply.
        expect((await http.get('/open/optional')).status).to.equal(200);
        expect((await http.get('/open/admin').set(bearer(access))).body.code).to.equal('insufficient_role');
        expect((await http.post('/open/refresh').set(bearer(access))).body.code).to.equal('wrong_token_type');
        expect((await http.post('/open/refresh').set(bearer(refresh))).status).to.equal(200);
        expect((await http.get('/all-public/guarded')).status).to.equal(401);
        expect((await http.get('/guarded-class/plain')).status).to.equal(401);
      });

      it('without secureByDefault (same controllers, same process): only decorated routes are guarded', async () => {
        const http = client(appWith(major.create, { controllers: CONTROLLERS }, { auth }));
        const access = await auth.createAccessToken({ subject: 'alice' });
        expect((await http.get('/open/plain')).body).to.deep.equal({ route: 'plain', subject: null });
        expect((await http.get('/open/inherited')).status).to.equal(200);
        expect((await http.get('/open/public')).status).to.equal(200);
        expect((await http.get('/open/optional')).status).to.equal(200);
        expect((await http.get('/open/admin').set(bearer(access))).status).to.equal(403);
        expect((await http.get('/all-public/guarded')).status).to.equal(401);
        expect((await http.get('/guarded-class/plain')).status).to.equal(401);
      });

      it('a hand-wired app serving the same controllers is not affected either', async () => {
        const app = major.create();
        useExpressServer(app, {
          controllers: [OpenRoutes],
          middlewares: [],
          development: false,
          authorizationChecker: pasetoAuthorizationChecker(auth),
          currentUserChecker: pasetoCurrentUserChecker(auth),
        });
        expect((await client(app).get('/open/plain')).status).to.equal(200);
      });
    });
  }

  describe('refuses, at wiring, what it cannot honour', () => {
    const cases: ReadonlyArray<{ readonly name: string; readonly options: RoutingControllersOptions; readonly paseto?: Record<string, unknown>; readonly field: string; readonly message: RegExp }> = [
      { name: 'a checker of yours', options: { controllers: [OpenRoutes], authorizationChecker: () => true }, field: 'authorizationChecker', message: /sets authorizationChecker itself/ },
      { name: 'a current-user checker of yours', options: { controllers: [OpenRoutes], currentUserChecker: () => null }, field: 'currentUserChecker', message: /sets currentUserChecker itself/ },
      { name: "routing-controllers' error handler", options: { controllers: [OpenRoutes], defaultErrorHandler: true }, field: 'defaultErrorHandler', message: /renders errors itself/ },
      { name: 'development: true', options: { controllers: [OpenRoutes], development: true }, field: 'development', message: /without stack traces/ },
      { name: 'no controllers', options: {}, field: 'controllers', message: /list your controllers/ },
      { name: 'glob strings with secureByDefault', options: { controllers: ['spec/http/*.controller.ts'] }, paseto: { secureByDefault: true }, field: 'controllers', message: /not glob strings/ },
      { name: 'a class that is not a controller', options: { controllers: [BaseRoutes] }, field: 'controllers', message: /BaseRoutes is not a controller/ },
      { name: 'an unknown option', options: { controllers: [OpenRoutes] }, paseto: { secureByDefualt: true }, field: 'secureByDefualt', message: /unknown option/ },
      { name: 'a user loader that is not a function', options: { controllers: [OpenRoutes] }, paseto: { userLoader: {} }, field: 'userLoader', message: /expected a function/ },
    ];
    for (const { name, options, paseto, field, message } of cases) {
      it(name, () => {
        try {
          withPaseto(options, { auth, ...paseto });
          expect.fail('expected a PasetoConfigError');
        } catch (error) {
          expect(error).to.be.instanceOf(PasetoConfigError);
          expect((error as PasetoConfigError).field).to.equal(field);
          expect((error as PasetoConfigError).message).to.match(message);
        }
      });
    }

    it('middlewares omitted while the process declares @Middleware classes: asks to list them', () => {
      const metadata = getMetadataArgsStorage();
      class LoggingMiddleware {}
      const declared = { target: LoggingMiddleware, global: true, type: 'before' as const, priority: 0 };
      metadata.middlewares.push(declared);
      try {
        expect(() => withPaseto({ controllers: [OpenRoutes] }, { auth })).to.throw(PasetoConfigError, /middlewares: .*list yours \(LoggingMiddleware\), or \[\]/);
        expect(withPaseto({ controllers: [OpenRoutes], middlewares: [] }, { auth }).middlewares).to.have.length(1);
        expect(withPaseto({ controllers: [OpenRoutes], middlewares: [LoggingMiddleware] }, { auth }).middlewares).to.have.length(2);
      } finally {
        metadata.middlewares.splice(metadata.middlewares.indexOf(declared), 1);
      }
    });

    it('takes glob strings without secureByDefault', () => {
      expect(withPaseto({ controllers: ['spec/http/no-such-dir/*.ts'] }, { auth }).controllers).to.deep.equal(['spec/http/no-such-dir/*.ts']);
    });

    it('@Public() on a route a guard still applies to', () => {
      @JsonController('/contradiction')
      class Contradiction {
        @Get('/')
        @Public()
        @Authorized()
        both() {
          return {};
        }
      }
      @JsonController('/contradiction-class')
      @Authorized()
      class ClassGuard {
        @Get('/')
        @Public()
        open() {
          return {};
        }
      }
      expect(() => withPaseto({ controllers: [Contradiction] }, { auth })).to.throw(PasetoConfigError, /Contradiction\.both is @Public\(\) but its own guard/);
      expect(() => withPaseto({ controllers: [ClassGuard] }, { auth })).to.throw(PasetoConfigError, /ClassGuard\.open is @Public\(\) but the guard of ClassGuard/);
    });

    describe('the service', () => {
      const clean = (): void => {
        Container.remove(PASETO_CONFIG);
        Container.reset();
      };
      beforeEach(clean);
      afterEach(clean);

      it('a bad key throws at wiring', () => {
        Container.set(PASETO_CONFIG, { secretKey: 'not-a-key' });
        expect(() => withPaseto({ controllers: [OpenRoutes] })).to.throw(PasetoConfigError, /secretKey/);
      });

      it('no configuration at all throws at wiring, naming auth', () => {
        expect(() => withPaseto({ controllers: [OpenRoutes] })).to.throw(PasetoConfigError, /auth: withPaseto found no PasetoAuthService/);
      });

      it('the configuration set first is used', async () => {
        Container.set(PASETO_CONFIG, { secretKey: LOCAL_KEY });
        const http = client(appWith(EXPRESS_MAJORS[0].create, { controllers: [GuardedRoutes] }, {}));
        const token = await makeService().createAccessToken({ subject: 'alice' });
        expect((await http.get('/guarded-class/plain').set(bearer(token))).status).to.equal(200);
      });
    });
  });
});

// --- error rendering ----------------------------------------------------------------------

@JsonController('/errors')
class FailingRoutes {
  @Post('/login')
  login(@Body() body: { password?: string }) {
    if (body.password !== 'secret') throw new UnauthorizedError('Bad username or password');
    return { ok: true };
  }

  @Get('/crash')
  crash() {
    throw new Error('database password is hunter2');
  }

  @Get('/admin')
  @Authorized('admin')
  admin() {
    return { ok: true };
  }

  @Get('/me')
  me(@CurrentUser({ required: true }) user: unknown) {
    return { user };
  }
}

@Controller('/text')
class TextRoutes {
  @Get('/fail')
  fail() {
    throw new UnauthorizedError('no');
  }
}

interface Exchange {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/** Sends the requests one after the other on a keep-alive agent; counts the TCP connections the server saw. */
async function overKeepAlive(
  app: Express,
  requests: ReadonlyArray<{ readonly method: string; readonly path: string; readonly headers?: Record<string, string>; readonly body?: string }>,
): Promise<{ readonly exchanges: Exchange[]; readonly connections: number }> {
  const server = createServer(app);
  let connections = 0;
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const exchanges: Exchange[] = [];
  try {
    const send = ({ method, path, headers, body }: (typeof requests)[number]): Promise<Exchange> =>
      new Promise<Exchange>((resolve, reject) => {
        const length: Record<string, string> = body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) };
        const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { ...headers, ...length }, agent }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        });
        req.on('error', reject);
        req.end(body);
      });
    for (const exchange of requests) {
      // A connection the server closed after the last response may be picked again before the
      // client sees it close: send again, as a browser does (the server counts a new connection).
      exchanges.push(await send(exchange).catch((error: { code?: string }) => (error.code === 'ECONNRESET' ? send(exchange) : Promise.reject(error))));
    }
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return { exchanges, connections };
}

const JSON_HEADERS = { 'Content-Type': 'application/json' };

for (const major of EXPRESS_MAJORS) {
  describe(`withPaseto renders every error as JSON and keeps the connection (${major.name})`, () => {
    const auth = makeService({ statusCodes: { token_missing: 422 } });

    it('a controller UnauthorizedError, a malformed body, ours, a crash and a text controller: JSON, no stack, one connection', async () => {
      const logged: unknown[] = [];
      const app = major.create();
      useExpressServer(app, withPaseto({ controllers: [FailingRoutes, TextRoutes] }, { auth, logError: (error) => logged.push(error) }));
      const member = await auth.createAccessToken({ subject: 'bob', userClaims: { roles: ['member'] } });
      const { exchanges, connections } = await overKeepAlive(app, [
        { method: 'POST', path: '/errors/login', headers: JSON_HEADERS, body: '{"password":"nope"}' },
        { method: 'POST', path: '/errors/login', headers: JSON_HEADERS, body: '{"password":' },
        { method: 'GET', path: '/errors/admin' },
        { method: 'GET', path: '/errors/admin', headers: bearer(member) },
        { method: 'GET', path: '/errors/me?token=secret-in-url' },
        { method: 'GET', path: '/errors/crash' },
        { method: 'GET', path: '/text/fail' },
        { method: 'POST', path: '/errors/login', headers: JSON_HEADERS, body: '{"password":"secret"}' },
      ]);
      const bodies = exchanges.map((exchange) => [exchange.status, JSON.parse(exchange.text) as unknown]);
      expect(bodies).to.deep.equal([
        [401, { name: 'UnauthorizedError', message: 'Bad username or password' }],
        [400, { name: 'BadRequestError', message: 'Malformed JSON body' }],
        [422, { name: 'AuthPasetoError', message: 'PASETO Authorization Token required', code: 'token_missing', status: 422 }],
        [403, { name: 'AuthPasetoError', message: 'Token lacks a required role', code: 'insufficient_role', status: 403 }],
        // routing-controllers' own AuthorizationRequiredError (its message holds the URL), with statusCodes.
        [422, { name: 'AuthPasetoError', message: 'PASETO Authorization Token required', code: 'token_missing', status: 422 }],
        [500, { name: 'InternalServerError', message: 'Internal server error' }],
        [401, { name: 'UnauthorizedError', message: 'no' }],
        [200, { ok: true }],
      ]);
      for (const exchange of exchanges) {
        expect(exchange.headers['content-type']).to.match(/^application\/json/);
        expect(exchange.text).not.to.match(/stack|hunter2|secret-in-url|at .*\.[jt]s:/);
      }
      expect(exchanges[3].headers['www-authenticate']).to.match(/^Bearer error="insufficient_scope"/);
      expect(logged).to.have.length(1);
      expect((logged[0] as Error).message).to.equal('database password is hunter2');
      expect(connections).to.equal(1);
    });

    it('a global express.json() before the controllers: its parse error is JSON too', async () => {
      const app = major.create();
      app.use((require(major.name === 'express 4' ? 'express' : 'express5') as { json(): Parameters<Express['use']>[0] }).json());
      useExpressServer(app, withPaseto({ controllers: [FailingRoutes] }, { auth }));
      const { exchanges, connections } = await overKeepAlive(app, [
        { method: 'POST', path: '/errors/login', headers: JSON_HEADERS, body: '{oops' },
        { method: 'GET', path: '/errors/admin' },
      ]);
      expect(exchanges.map((exchange) => [exchange.status, JSON.parse(exchange.text) as unknown])).to.deep.equal([
        [400, { name: 'BadRequestError', message: 'Malformed JSON body' }],
        [422, { name: 'AuthPasetoError', message: 'PASETO Authorization Token required', code: 'token_missing', status: 422 }],
      ]);
      expect(connections).to.equal(1);
    });

    it('an app wired by hand that omits middlewares does not get the error handler of withPaseto', async () => {
      withPaseto({ controllers: [FailingRoutes] }, { auth });
      const app = major.create();
      useExpressServer(app, { controllers: [FailingRoutes], defaultErrorHandler: false, authorizationChecker: pasetoAuthorizationChecker(auth) });
      const seen: unknown[] = [];
      app.use((error: unknown, _request: unknown, response: { status(code: number): { json(body: unknown): void } }, _next: unknown) => {
        seen.push(error);
        response.status(418).json({ mine: true });
      });
      const res = await client(app).post('/errors/login').send({ password: 'nope' });
      expect([res.status, res.body]).to.deep.equal([418, { mine: true }]);
      expect(seen).to.have.length(1);
    });

    it('works with useContainer(Container): typedi knows the error middleware class', async () => {
      @Service()
      @JsonController('/di')
      class ContainerRoutes {
        @Get('/fail')
        fail() {
          throw new UnauthorizedError('from a typedi controller');
        }
      }
      useContainer(Container);
      try {
        const app = major.create();
        useExpressServer(app, withPaseto({ controllers: [ContainerRoutes] }, { auth }));
        const res = await client(app).get('/di/fail');
        expect([res.status, res.body]).to.deep.equal([401, { name: 'UnauthorizedError', message: 'from a typedi controller' }]);
      } finally {
        useContainer(undefined as unknown as Parameters<typeof useContainer>[0]);
      }
    });

    it("control: routing-controllers' default handler closes the connection after an error", async () => {
      const app = major.create();
      app.set('env', 'test'); // finalhandler would log the stack otherwise
      useExpressServer(app, { controllers: [FailingRoutes], middlewares: [], development: false, authorizationChecker: pasetoAuthorizationChecker(auth) });
      const { connections } = await overKeepAlive(app, [
        { method: 'POST', path: '/errors/login', headers: JSON_HEADERS, body: '{"password":"nope"}' },
        { method: 'POST', path: '/errors/login', headers: JSON_HEADERS, body: '{"password":"nope"}' },
      ]);
      expect(connections).to.equal(2);
    });
  });
}
