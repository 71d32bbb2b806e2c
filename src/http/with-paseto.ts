import type { RoutingControllersOptions } from 'routing-controllers';
import { PasetoConfigError } from '../errors';
import type { PasetoAuthService } from '../service';
import { serviceSource, type PasetoAuthSource } from '../service-source';
import type { VerifiedToken } from '../tokens/types';
import { authorizationChecker, currentUserChecker, type PasetoUserLoader } from './checkers';
import { pasetoErrorHandler } from './error-handler';
import { errorMiddlewareClass, isPasetoErrorMiddleware } from './error-middleware';
import { checkBodyLimit, checkBoolean, checkKnownKeys, checkUserLoader } from './options';
import { routingControllers } from './routing-controllers';
import { refusePublicContradictions, secureByDefault } from './secure-by-default';

/** The second argument of {@link withPaseto}. */
export interface WithPasetoOptions<TUser = VerifiedToken> {
  /** The service or a factory. Default: `Container.get(PasetoAuthService)`, resolved here. */
  auth?: PasetoAuthSource;
  /** Loads the user `@CurrentUser()` receives; without it, it receives the {@link VerifiedToken}. */
  userLoader?: PasetoUserLoader<TUser>;
  /**
   * Every route of the listed controllers needs a valid access token unless it, or its class,
   * carries `@Public()`; a route's own guard decorators apply as they are. Default `false`.
   */
  secureByDefault?: boolean;
  /** Largest JSON body the token lookup reads itself (routes without `@Body`). Default 100 kB. */
  bodyLimit?: number;
  /** Where an unexpected error (answered with a bare 500) is reported. Default `console.error`. */
  logError?: (error: unknown) => void;
}

const PASETO_KEYS = ['auth', 'userLoader', 'secureByDefault', 'bodyLimit', 'logError'];

/** Options `withPaseto` sets: given ones are refused rather than silently replaced. */
const OWNED = ['authorizationChecker', 'currentUserChecker'] as const;

function checkPasetoOptions(paseto: WithPasetoOptions<unknown>): void {
  const given = checkKnownKeys(paseto, PASETO_KEYS, 'withPaseto');
  checkBoolean(given, 'secureByDefault', 'withPaseto');
  checkUserLoader(given, 'withPaseto');
  checkBodyLimit(given, 'withPaseto');
  if (paseto.logError !== undefined && typeof paseto.logError !== 'function') {
    throw new PasetoConfigError('logError', 'withPaseto: expected a function (error) => void');
  }
}

function checkRoutingOptions(options: RoutingControllersOptions, secure: boolean): void {
  if (typeof options !== 'object' || options === null) throw new PasetoConfigError('options', 'withPaseto: expected the routing-controllers options object');
  for (const key of OWNED) {
    if (options[key] !== undefined) {
      throw new PasetoConfigError(key, `withPaseto sets ${key} itself; remove yours, or wire pasetoAuthorizationChecker / pasetoCurrentUserChecker by hand`);
    }
  }
  if (options.defaultErrorHandler === true) {
    throw new PasetoConfigError('defaultErrorHandler', "withPaseto renders errors itself (routing-controllers' handler leaks stacks and closes keep-alive connections); remove it");
  }
  if (options.development === true) {
    throw new PasetoConfigError('development', 'withPaseto renders errors without stack traces; remove development: true');
  }
  const controllers: readonly unknown[] = options.controllers ?? [];
  if (controllers.length === 0) {
    throw new PasetoConfigError('controllers', 'withPaseto: list your controllers (routing-controllers would otherwise register every decorated class in the process)');
  }
  if (secure && controllers.some((controller) => typeof controller !== 'function')) {
    throw new PasetoConfigError('controllers', 'secureByDefault needs the controller classes, not glob strings: import them and list the classes');
  }
}

/** routing-controllers registers every `@Middleware` class when none is listed: refuse that when the process has some. */
function checkMiddlewares(options: RoutingControllersOptions, declared: readonly Function[]): void {
  if (options.middlewares !== undefined) return;
  const names = declared.filter((target) => !isPasetoErrorMiddleware(target)).map((target) => target.name);
  if (names.length > 0) {
    throw new PasetoConfigError(
      'middlewares',
      `withPaseto lists its error handler in middlewares, so routing-controllers no longer registers every @Middleware class by itself: list yours (${names.join(', ')}), or [] if this app uses none`,
    );
  }
}

function resolveAtWiring(auth: PasetoAuthSource | undefined): PasetoAuthService {
  try {
    return serviceSource(auth).get();
  } catch (error) {
    if (error instanceof PasetoConfigError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new PasetoConfigError('auth', `withPaseto found no PasetoAuthService (${detail}): pass { auth } or run Container.set(PASETO_CONFIG, options) first`);
  }
}

/**
 * The routing-controllers options of `useExpressServer(app, withPaseto(options, { ... }))`: yours,
 * plus both checkers on one service and JSON-only error rendering (`defaultErrorHandler: false`,
 * `development: false`, and {@link pasetoErrorHandler} with `renderAll` as the last `after`
 * middleware, listed in `middlewares`).
 *
 * The service is resolved here, so a bad key or option throws its {@link PasetoConfigError} where
 * the app is wired. Conflicting options are refused: your own `authorizationChecker` /
 * `currentUserChecker`, `defaultErrorHandler: true`, `development: true`, no `controllers`.
 *
 * With `secureByDefault: true` every route of the listed controllers without a guard of its own
 * (`@Authorized`, `@PasetoRequired`, ... on the method or the class) and without `@Public()` needs
 * a valid access token, for this app only.
 *
 * @throws PasetoConfigError for a bad service configuration, bad or conflicting options, or
 *   `@Public()` on a route a guard still applies to
 */
export function withPaseto<TUser = VerifiedToken>(options: RoutingControllersOptions, paseto: WithPasetoOptions<TUser> = {}): RoutingControllersOptions {
  checkPasetoOptions(paseto);
  const secure = paseto.secureByDefault === true;
  checkRoutingOptions(options, secure);
  const metadata = routingControllers('withPaseto').getMetadataArgsStorage();
  checkMiddlewares(
    options,
    metadata.middlewares.filter((middleware) => middleware.global).map((middleware) => middleware.target),
  );
  const service = resolveAtWiring(paseto.auth);
  const getService = (): PasetoAuthService => service;

  const owner = {};
  for (const controller of options.controllers ?? []) {
    if (typeof controller !== 'function') continue;
    if (!metadata.controllers.some((args) => args.target === controller)) {
      throw new PasetoConfigError('controllers', `${controller.name} is not a controller: decorate it with @Controller() or @JsonController()`);
    }
    refusePublicContradictions(metadata, controller);
    if (secure) secureByDefault(metadata, controller, owner);
  }

  const handler = pasetoErrorHandler({ auth: service, renderAll: true, logError: paseto.logError });
  const middlewares = [...(options.middlewares ?? []), errorMiddlewareClass(metadata, handler)] as RoutingControllersOptions['middlewares'];
  return {
    ...options,
    development: false,
    defaultErrorHandler: false,
    middlewares,
    authorizationChecker: authorizationChecker(getService, paseto.bodyLimit, owner),
    currentUserChecker: currentUserChecker(getService, { userLoader: paseto.userLoader, bodyLimit: paseto.bodyLimit }),
  };
}
