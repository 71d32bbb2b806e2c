import 'reflect-metadata';
import { expect } from 'chai';
import { useExpressServer, type RoutingControllersOptions } from 'routing-controllers';
import request from 'supertest';
import type { Express } from 'express';
import { PasetoAuthService } from '../../src/service';
import type { PasetoAuthOptions } from '../../src/config/options';
import { pasetoAuthorizationChecker, pasetoCurrentUserChecker, type PasetoUserLoader } from '../../src/http/checkers';
import { pasetoErrorHandler } from '../../src/http/error-handler';

/** A fixed local key (PASERK) so tokens made in one test open in the app under test. */
export const LOCAL_KEY = 'k4.local.' + Buffer.alloc(32, 7).toString('base64url');
/** Another local key, for tokens the app must not open. */
export const OTHER_KEY = 'k4.local.' + Buffer.alloc(32, 9).toString('base64url');

/** Both express majors: express 4 is what routing-controllers installs, express 5 goes through `useExpressServer`. */
export const EXPRESS_MAJORS: ReadonlyArray<{ readonly name: string; readonly create: () => Express }> = [
  { name: 'express 4', create: () => (require('express') as () => Express)() },
  { name: 'express 5', create: () => (require('express5') as () => Express)() },
];

/** A service with the fixed key and the given options. */
export function makeService(options: PasetoAuthOptions = {}): PasetoAuthService {
  return new PasetoAuthService({ secretKey: LOCAL_KEY, ...options });
}

/** How a test app is wired. */
export interface TestAppOptions {
  /** The controllers: always explicit, or routing-controllers registers every decorated class in the process. */
  controllers: NonNullable<RoutingControllersOptions['controllers']>;
  /** The service; `undefined` lets the checkers use `Container.get(PasetoAuthService)`. */
  auth?: PasetoAuthService;
  userLoader?: PasetoUserLoader<unknown>;
  /** `true`: routing-controllers renders errors; `false`: our `pasetoErrorHandler` does. */
  defaultErrorHandler?: boolean;
  /** Register `pasetoErrorHandler` after the controllers (with the default handler, it only quiets express). */
  withPasetoErrorHandler?: boolean;
  errorOverridingMap?: RoutingControllersOptions['errorOverridingMap'];
  /** Extra express setup before the controllers. */
  setup?: (app: Express) => void;
  /** Extra error middleware after ours (to see errors we pass on). */
  after?: (app: Express) => void;
  bodyLimit?: number;
  /** routing-controllers' `development` (stack traces in its error bodies). Default false. */
  development?: boolean;
}

/** An express app of the given major with routing-controllers and our checkers. */
export function makeApp(create: () => Express, options: TestAppOptions): Express {
  const app = create();
  // finalhandler logs every error's stack unless env is 'test'.
  app.set('env', 'test');
  options.setup?.(app);
  const defaultErrorHandler = options.defaultErrorHandler ?? true;
  useExpressServer(app, {
    controllers: options.controllers,
    development: options.development ?? false,
    defaultErrorHandler,
    errorOverridingMap: options.errorOverridingMap,
    authorizationChecker: pasetoAuthorizationChecker(options.auth, { bodyLimit: options.bodyLimit }),
    currentUserChecker: pasetoCurrentUserChecker(options.auth, { userLoader: options.userLoader, bodyLimit: options.bodyLimit }),
  });
  if (options.withPasetoErrorHandler ?? !defaultErrorHandler) app.use(pasetoErrorHandler({ auth: options.auth }));
  options.after?.(app);
  return app;
}

/** supertest on an app. */
export function client(app: Express): ReturnType<typeof request> {
  return request(app);
}

/** An error response of ours: status, code, exact message, and never a token or the URL. */
export function expectAuthError(
  response: request.Response,
  status: number,
  code: string,
  message?: string,
  secrets: readonly string[] = [],
): void {
  expect(response.status, JSON.stringify(response.body)).to.equal(status);
  expect(response.body.code).to.equal(code);
  if (message !== undefined) expect(response.body.message).to.equal(message);
  const text = response.text;
  expect(text).not.to.match(/v[34]\.(local|public)\./);
  expect(text).not.to.contain('?');
  expect(text).not.to.match(/stack|at .*\.ts:/);
  for (const secret of secrets) expect(text).not.to.contain(secret);
}

/** `Authorization: Bearer <token>`. */
export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}
