import 'reflect-metadata';
import { expect } from 'chai';
import { Container } from 'typedi';
import { Authorized, CurrentUser, Get, JsonController } from 'routing-controllers';
import { PasetoConfigError } from '../../src/errors';
import { PASETO_CONFIG, PasetoAuthService } from '../../src/service';
import { pasetoAuthorizationChecker, pasetoCurrentUserChecker } from '../../src/http/checkers';
import { Auth } from '../../src/http/decorators';
import type { AuthPaseto } from '../../src/http/auth-handle';
import { EXPRESS_MAJORS, LOCAL_KEY, bearer, client, makeApp, makeService } from './helpers';

/** A new controller class per call: decorators (and what they resolved) are per class. */
function wiringController(): new () => object {
  @JsonController('/wiring')
  class WiringController {
    @Get('/guarded')
    @Authorized()
    guarded() {
      return { ok: true };
    }

    @Get('/user')
    user(@CurrentUser() user: unknown) {
      return { user };
    }

    @Get('/handle')
    handle(@Auth() auth: AuthPaseto) {
      return { subject: auth.getSubject() };
    }
  }
  return WiringController;
}

const BAD_CONFIG = { secretKey: 'not-a-key' };

/** Replaces console.error while `run` runs; resolves to what it was given. */
async function capturingConsoleError(run: () => Promise<void>): Promise<unknown[][]> {
  const original = console.error;
  const calls: unknown[][] = [];
  console.error = (...args: unknown[]) => calls.push(args);
  try {
    await run();
  } finally {
    console.error = original;
  }
  return calls;
}

describe('HTTP wiring: a configuration mistake fails where the app is wired', () => {
  const clean = (): void => {
    Container.remove(PASETO_CONFIG);
    Container.reset();
  };
  beforeEach(clean);
  afterEach(clean);

  it('throws the PasetoConfigError at checker creation when PASETO_CONFIG is already set (the quick-start order)', () => {
    Container.set(PASETO_CONFIG, BAD_CONFIG);
    expect(() => pasetoAuthorizationChecker()).to.throw(PasetoConfigError, /secretKey/);
    expect(() => pasetoCurrentUserChecker({ userLoader: () => ({}) })).to.throw(PasetoConfigError, /secretKey/);
  });

  it('throws at checker creation for a factory whose service cannot be built', () => {
    expect(() => pasetoAuthorizationChecker(() => new PasetoAuthService(BAD_CONFIG))).to.throw(PasetoConfigError, /secretKey/);
    expect(() => pasetoCurrentUserChecker(() => new PasetoAuthService(BAD_CONFIG), {})).to.throw(PasetoConfigError, /secretKey/);
  });

  it('builds the service once, at wiring, in the quick-start order (config first)', async () => {
    Container.set(PASETO_CONFIG, { secretKey: LOCAL_KEY });
    const app = makeApp(EXPRESS_MAJORS[0].create, { controllers: [wiringController()] });
    const built = Container.get(PasetoAuthService);
    const token = await built.createAccessToken({ subject: 'alice' });
    const http = client(app);
    expect((await http.get('/wiring/guarded').set(bearer(token))).status).to.equal(200);
    expect(Container.get(PasetoAuthService)).to.equal(built);
  });

  for (const development of [false, true]) {
    for (const defaultErrorHandler of [true, false]) {
      it(`config set after wiring and broken: a bare 500, logged once (development: ${development}, defaultErrorHandler: ${defaultErrorHandler})`, async () => {
        const app = makeApp(EXPRESS_MAJORS[0].create, { controllers: [wiringController()], defaultErrorHandler, development });
        Container.set(PASETO_CONFIG, BAD_CONFIG);
        const token = await makeService().createAccessToken({ subject: 'alice' });
        const http = client(app);
        const logged = await capturingConsoleError(async () => {
          for (const path of ['/wiring/guarded', '/wiring/guarded', '/wiring/user', '/wiring/handle']) {
            const res = await http.get(path).set(bearer(token));
            expect(res.status, path).to.equal(500);
            expect(res.body, path).to.deep.equal({ name: 'InternalServerError', message: 'Internal server error' });
            expect(res.text).not.to.match(/secretKey|PASETO|stack|\.ts/);
          }
        });
        // One line per adapter (the guard, the current-user checker, @Auth()), never one per request.
        expect(logged).to.have.length(3);
        for (const [line, error] of logged) {
          expect(String(line)).to.match(/^paseto-controllers: .* could not get its PasetoAuthService/);
          expect(error).to.be.instanceOf(PasetoConfigError);
        }
      });
    }
  }
});
