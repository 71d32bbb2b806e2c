/**
 * Socket middleware options are validated when the middleware is created, as the service and the
 * HTTP decorators are: a mistake throws PasetoConfigError naming the field at start-up, never
 * on a connection (before, `roles: 'admin'` refused every socket with internal_error, and an
 * unknown `role` silently left the namespace open).
 */
import { expect } from 'chai';
import { PasetoConfigError } from '../../src/errors';
import { pasetoSocketMiddleware, type PasetoSocketMiddlewareOptions } from '../../src/socket/middleware';
import { createPasetoSocketMiddleware } from '../../src/socket/socket-controllers';
import { testService } from './helpers';

function configError(create: () => unknown): PasetoConfigError {
  try {
    create();
  } catch (error) {
    expect(error).to.be.instanceOf(PasetoConfigError);
    return error as PasetoConfigError;
  }
  return expect.fail('expected a PasetoConfigError at creation');
}

/** Both factories take the middleware's options and must refuse the same mistakes. */
const FACTORIES = {
  pasetoSocketMiddleware: (options: unknown) => pasetoSocketMiddleware(options as PasetoSocketMiddlewareOptions),
  createPasetoSocketMiddleware: (options: unknown) => createPasetoSocketMiddleware(options as PasetoSocketMiddlewareOptions),
} as const;

for (const [name, create] of Object.entries(FACTORIES)) {
  describe(`socket middleware options are validated at creation: ${name}`, () => {
    it('fresh with refreshToken', () => {
      const error = configError(() => create({ fresh: true, refreshToken: true }));
      expect(error.field).to.equal('fresh');
      expect(error.message).to.match(/refreshToken/);
    });

    it("location: 'json' (a socket has no body), an unknown or an empty location", () => {
      const json = configError(() => create({ location: 'json' }));
      expect(json.field).to.equal('location');
      expect(json.message).to.match(/'json' is not supported/).and.match(/no body/);
      expect(configError(() => create({ location: ['auth', 'cookies'] })).field).to.equal('location');
      expect(configError(() => create({ location: [] })).field).to.equal('location');
    });

    it("roles: 'admin' (a string, not a list) and anyRole with a non-string", () => {
      const roles = configError(() => create({ roles: 'admin' }));
      expect(roles.field).to.equal('roles');
      expect(roles.message).to.match(/list of role names/);
      expect(configError(() => create({ anyRole: ['admin', 7] })).field).to.equal('anyRole');
    });

    it("unknown keys: role: ['admin'] would leave the namespace open", () => {
      const error = configError(() => create({ role: ['admin'] }));
      expect(error.field).to.equal('role');
      expect(error.message).to.match(/not an option/).and.match(/roles/);
    });

    it('values of the wrong kind name their field', () => {
      expect(configError(() => create({ optional: 'yes' })).field).to.equal('optional');
      expect(configError(() => create({ type: '' })).field).to.equal('type');
      expect(configError(() => create({ userLoader: 'load' })).field).to.equal('userLoader');
      expect(configError(() => create({ auth: {} })).field).to.equal('auth');
      expect(configError(() => create({ liveSession: 'on' })).field).to.equal('liveSession');
      expect(configError(() => create({ liveSession: { recheckIntervalMs: -1 } })).field).to.equal('liveSession.recheckIntervalMs');
    });

    it('correct options, and undefined values, are accepted', () => {
      const auth = testService();
      expect(() => create({ auth, roles: ['admin'], anyRole: undefined, location: ['auth', 'headers'], tokenPrefix: null, fresh: true, liveSession: { recheckIntervalMs: 1000 } })).to.not.throw();
    });
  });
}

describe('createPasetoSocketMiddleware: its own options', () => {
  it('namespace and priority are checked too', () => {
    expect(configError(() => createPasetoSocketMiddleware({ namespace: 42 } as never)).field).to.equal('namespace');
    expect(configError(() => createPasetoSocketMiddleware({ priority: 'first' } as never)).field).to.equal('priority');
  });

  it('pasetoSocketMiddleware does not take them', () => {
    expect(configError(() => pasetoSocketMiddleware({ namespace: '/admin' } as never)).field).to.equal('namespace');
  });
});

describe('socket middleware: the service source', () => {
  it('a factory is called once, when the middleware is created (a mistake in it shows at start-up); a function taking an argument is refused at creation', async () => {
    const auth = testService();
    let calls = 0;
    const middleware = pasetoSocketMiddleware({
      auth: () => {
        calls += 1;
        return auth;
      },
    });
    expect(calls).to.equal(1);
    const token = await auth.createAccessToken({ subject: 'alice' });
    const run = () => new Promise<unknown>((done) => middleware({ handshake: { auth: { token } }, data: {} }, (error) => done(error ?? 'accepted')));
    expect([await run(), await run()]).to.deep.equal(['accepted', 'accepted']);
    expect(calls).to.equal(1);
    expect(configError(() => pasetoSocketMiddleware({ auth: ((_: unknown) => auth) as never })).field).to.equal('auth');
  });
});
