import 'reflect-metadata';
import { expect } from 'chai';
import { PasetoConfigError } from '../../src/errors';
import { FreshTokenRequired, PasetoOptional, PasetoRequired } from '../../src/http/decorators';
import { pasetoRequirement, type PasetoRequirementOptions } from '../../src/http/requirement';
import { pasetoAuthorizationChecker, pasetoCurrentUserChecker, type PasetoCurrentUserCheckerOptions } from '../../src/http/checkers';
import { makeService } from './helpers';

/** The PasetoConfigError `run` throws (the assertion fails when it throws nothing or something else). */
function configError(run: () => unknown): PasetoConfigError {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(PasetoConfigError);
    return error as PasetoConfigError;
  }
  expect.fail('expected a PasetoConfigError');
}

const loose = (options: Record<string, unknown>): PasetoRequirementOptions => options;

describe('HTTP options are checked when the decorator or checker is created', () => {
  describe('route requirements (@PasetoRequired and its sugar, pasetoRequirement)', () => {
    const cases: ReadonlyArray<{ readonly options: Record<string, unknown>; readonly field: string; readonly message: RegExp }> = [
      { options: { role: ['admin'] }, field: 'role', message: /unknown option \(known options: .*roles/ },
      { options: { fresh: true, refreshToken: true }, field: 'fresh', message: /fresh and refreshToken cannot both be true/ },
      { options: { roles: 'admin' }, field: 'roles', message: /expected a list of role names, e\.g\. \['admin'\]/ },
      { options: { roles: ['admin', ''] }, field: 'roles', message: /non-empty role names/ },
      { options: { anyRole: 'ops' }, field: 'anyRole', message: /expected a list of role names/ },
      { options: { anyRole: [] }, field: 'anyRole', message: /would refuse every token/ },
      { options: { location: 'auth' }, field: 'location', message: /'auth' is not an HTTP token location \('auth' is the Socket\.IO handshake payload\)/ },
      { options: { location: 'body' }, field: 'location', message: /'body' is not an HTTP token location/ },
      { options: { location: [] }, field: 'location', message: /non-empty list/ },
      { options: { location: ['headers', 'headers'] }, field: 'location', message: /listed twice/ },
      { options: { fresh: 'yes' }, field: 'fresh', message: /expected true or false, got 'yes'/ },
      { options: { optional: 1 }, field: 'optional', message: /expected true or false/ },
      { options: { type: '' }, field: 'type', message: /non-empty string/ },
      { options: { tokenKey: 5 }, field: 'tokenKey', message: /non-empty string, got number/ },
      { options: { tokenPrefix: '' }, field: 'tokenPrefix', message: /or null for a bare token/ },
      { options: { implicitAssertion: 42 }, field: 'implicitAssertion', message: /string or a Uint8Array/ },
    ];
    for (const { options, field, message } of cases) {
      it(`refuses ${JSON.stringify(options)} naming ${field}`, () => {
        for (const create of [() => PasetoRequired(loose(options)), () => pasetoRequirement(loose(options))]) {
          const error = configError(create);
          expect(error.field).to.equal(field);
          expect(error.message).to.match(message);
        }
      });
    }

    it('refuses a non-object', () => {
      expect(configError(() => PasetoRequired('admin' as unknown as PasetoRequirementOptions)).message).to.match(/expected an options object/);
    });

    it('checks the sugar too', () => {
      expect(configError(() => FreshTokenRequired(loose({ refreshToken: true }))).field).to.equal('fresh');
      expect(configError(() => PasetoOptional(loose({ rolse: ['admin'] }))).field).to.equal('rolse');
    });

    it('takes every documented option', () => {
      expect(() =>
        PasetoRequired({
          fresh: true,
          optional: false,
          base64Encoded: false,
          implicitAssertion: new Uint8Array([1]),
          location: ['headers', 'cookies'],
          tokenKey: 'X-Token',
          tokenPrefix: null,
          roles: ['admin'],
          anyRole: ['ops', 'dev'],
        }),
      ).not.to.throw();
      expect(() => PasetoRequired({ type: 'email-verify', location: 'query' })).not.to.throw();
    });
  });

  describe('checkers', () => {
    const auth = makeService();

    it('refuses unknown keys and bad values of pasetoAuthorizationChecker', () => {
      expect(configError(() => pasetoAuthorizationChecker(auth, { bodylimit: 5 } as object)).field).to.equal('bodylimit');
      for (const bodyLimit of [0, -1, 1.5, '100kb']) {
        expect(configError(() => pasetoAuthorizationChecker(auth, { bodyLimit } as { bodyLimit: number })).field).to.equal('bodyLimit');
      }
    });

    it('refuses unknown keys and bad values of pasetoCurrentUserChecker', () => {
      const typo = { userloader: () => null } as PasetoCurrentUserCheckerOptions<unknown>;
      expect(configError(() => pasetoCurrentUserChecker(typo)).field).to.equal('userloader');
      expect(configError(() => pasetoCurrentUserChecker(auth, typo)).field).to.equal('userloader');
      const notFunction = { userLoader: 'users' } as unknown as PasetoCurrentUserCheckerOptions<unknown>;
      expect(configError(() => pasetoCurrentUserChecker(auth, notFunction)).field).to.equal('userLoader');
      expect(configError(() => pasetoCurrentUserChecker(auth, { bodyLimit: 0 })).field).to.equal('bodyLimit');
    });
  });
});
