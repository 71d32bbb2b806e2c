import 'reflect-metadata';
import { expect } from 'chai';
import { Authorized, CurrentUser, Get, JsonController } from 'routing-controllers';
import { PasetoConfigError } from '../../src/errors';
import { FreshTokenRequired, PasetoOptional, PasetoRequired, RefreshTokenRequired, type PasetoRouteDecorator } from '../../src/http/decorators';
import type { VerifiedToken } from '../../src/tokens/types';
import { bearer, client, EXPRESS_MAJORS, makeApp, makeService } from '../http/helpers';

// Every class-level × method-level guard decorator, through express + routing-controllers + supertest.
// The rule under test (docs/http.md, "Class and method decorators"): a method's own decorator decides
// the kind of token (required or optional, its type, refresh or not); freshness asked by the class
// stays on access-token methods unless the method says `fresh: false`; roles of both add up; a plain
// method @Authorized() under a class that would make it optional-and-open or change its token type
// fails at start-up.

/** What a decorator says about the token, when it says anything. */
interface Kind {
  readonly optional: boolean;
  readonly type: string;
  readonly fresh: boolean | undefined;
}

interface Guard {
  readonly name: string;
  readonly make: () => PasetoRouteDecorator;
  readonly kind?: Kind;
  readonly roles: readonly string[];
}

const access: Kind = { optional: false, type: 'access', fresh: undefined };
const GUARDS: readonly Guard[] = [
  { name: '@Authorized()', make: () => Authorized() as PasetoRouteDecorator, roles: [] },
  { name: "@Authorized('member')", make: () => Authorized('member') as PasetoRouteDecorator, roles: ['member'] },
  { name: '@PasetoRequired()', make: () => PasetoRequired(), kind: access, roles: [] },
  { name: "@PasetoRequired({ type: 'email-verify' })", make: () => PasetoRequired({ type: 'email-verify' }), kind: { optional: false, type: 'email-verify', fresh: false }, roles: [] },
  { name: '@FreshTokenRequired()', make: () => FreshTokenRequired(), kind: { ...access, fresh: true }, roles: [] },
  { name: '@RefreshTokenRequired()', make: () => RefreshTokenRequired(), kind: { optional: false, type: 'refresh', fresh: false }, roles: [] },
  { name: '@PasetoOptional()', make: () => PasetoOptional(), kind: { ...access, optional: true }, roles: [] },
];

interface Probe {
  readonly name: string;
  readonly type?: string;
  readonly fresh?: boolean;
  readonly roles?: readonly string[];
}

const PROBES: readonly Probe[] = [
  { name: 'no token' },
  { name: 'access', type: 'access', fresh: false, roles: ['member'] },
  { name: 'access without roles', type: 'access', fresh: false, roles: [] },
  { name: 'fresh access', type: 'access', fresh: true, roles: ['member'] },
  { name: 'refresh', type: 'refresh', fresh: false, roles: ['member'] },
  { name: 'email-verify', type: 'email-verify', fresh: false, roles: ['member'] },
];

/** The route's requirement by the rule, or `'throws'` when the pair must fail at start-up. */
function expected(onClass: Guard, onMethod: Guard): { kind: Required<Kind>; roles: string[] } | 'throws' {
  const roles = [...onClass.roles, ...onMethod.roles];
  if (onMethod.kind) return { kind: { ...onMethod.kind, fresh: onMethod.kind.fresh ?? onClass.kind?.fresh ?? false }, roles };
  const inherited = onClass.kind ?? access;
  if (inherited.type !== 'access' || (inherited.optional && onMethod.roles.length === 0)) return 'throws';
  return { kind: { ...inherited, fresh: inherited.fresh ?? false }, roles };
}

function passes(requirement: { kind: Required<Kind>; roles: string[] }, probe: Probe): boolean {
  if (probe.type === undefined) return requirement.kind.optional && requirement.roles.length === 0;
  return (
    probe.type === requirement.kind.type &&
    (!requirement.kind.fresh || probe.fresh === true) &&
    requirement.roles.every((role) => probe.roles?.includes(role))
  );
}

type Order = 'members first (as TypeScript does)' | 'class first';

let routes = 0;

/** A controller with one GET route, its guards applied in the given order. */
function controller(onClass: Guard, onMethod: Guard, order: Order): { target: new () => unknown; path: string } {
  const path = `/pair${(routes += 1)}`;
  class Pair {
    handle(@CurrentUser() user: VerifiedToken | null) {
      return { subject: user?.subject ?? null };
    }
  }
  const descriptor = Object.getOwnPropertyDescriptor(Pair.prototype, 'handle') as PropertyDescriptor;
  (Get('/r') as MethodDecorator)(Pair.prototype, 'handle', descriptor);
  if (order === 'class first') onClass.make()(Pair);
  onMethod.make()(Pair.prototype, 'handle');
  if (order !== 'class first') onClass.make()(Pair);
  JsonController(path)(Pair);
  return { target: Pair, path };
}

const ORDERS: readonly Order[] = ['members first (as TypeScript does)', 'class first'];

for (const major of EXPRESS_MAJORS) {
  describe(`security: class-level × method-level guards (${major.name})`, () => {
    const auth = makeService();
    const tokens = new Map<string, string>();
    const cases: Array<{ title: string; path: string; requirement: Exclude<ReturnType<typeof expected>, 'throws'> }> = [];
    const controllers: Array<new () => unknown> = [];

    before(async () => {
      for (const probe of PROBES) {
        if (probe.type === undefined) continue;
        const base = { subject: 'alice', userClaims: { roles: probe.roles } };
        const token =
          probe.type === 'refresh'
            ? await auth.createRefreshToken(base)
            : probe.type === 'access'
              ? await auth.createAccessToken({ ...base, fresh: probe.fresh })
              : await auth.createToken({ ...base, type: probe.type });
        tokens.set(probe.name, token);
      }
    });

    for (const order of ORDERS) {
      for (const onClass of GUARDS) {
        for (const onMethod of GUARDS) {
          const requirement = expected(onClass, onMethod);
          const title = `class ${onClass.name} × method ${onMethod.name} (${order})`;
          // A plain @Authorized() applied to a method after its class cannot be seen by our class
          // decorator; TypeScript never decorates in that order, so only our own decorators are run so.
          if (order === 'class first' && onMethod.kind === undefined) continue;
          if (requirement === 'throws') {
            it(`${title}: fails at start-up`, () => {
              expect(() => controller(onClass, onMethod, order)).to.throw(PasetoConfigError, /what the method needs|@PasetoRequired\(/);
            });
            continue;
          }
          const built = controller(onClass, onMethod, order);
          controllers.push(built.target);
          cases.push({ title, path: built.path, requirement });
        }
      }
    }

    it('serves each pair what the rule says, for every kind of token', async () => {
      const http = client(makeApp(major.create, { controllers, auth }));
      const failures: string[] = [];
      for (const { title, path, requirement } of cases) {
        for (const probe of PROBES) {
          const token = tokens.get(probe.name);
          const response = await http.get(`${path}/r`).set(token === undefined ? {} : bearer(token));
          const pass = passes(requirement, probe);
          const ok = pass
            ? response.status === 200 && response.body.subject === (token === undefined ? null : 'alice')
            : response.status >= 400 && response.status < 500 && typeof response.body.code === 'string';
          if (!ok) failures.push(`${title}, ${probe.name}: expected ${pass ? '200' : 'a refusal'}, got ${response.status} ${JSON.stringify(response.body)}`);
        }
      }
      expect(failures, failures.join('\n')).to.deep.equal([]);
    });
  });
}

describe('security: requirements that contradict themselves fail at start-up', () => {
  it('refuses refreshToken with another type, and fresh with a non-access type', () => {
    expect(() => PasetoRequired({ refreshToken: true, type: 'email-verify' })).to.throw(PasetoConfigError, /refreshToken: true takes a refresh token/);
    expect(() => PasetoRequired({ fresh: true, type: 'email-verify' })).to.throw(PasetoConfigError, /fresh: true applies to access tokens only/);
    expect(() => FreshTokenRequired({ type: 'refresh' })).to.throw(PasetoConfigError, /access tokens only/);
    expect(() => RefreshTokenRequired({ type: 'refresh' })).not.to.throw();
  });
});
