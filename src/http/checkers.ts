import type { Action } from 'routing-controllers';
import { ErrorMessages } from '../errors';
import { PasetoAuthService } from '../service';
import { serviceSource, type PasetoAuthSource } from '../service-source';
import type { VerifiedToken } from '../tokens/types';
import type { HttpRequestLike } from '../transport/http';
import { refuseRequest } from './refuse';
import { mergeRouteRequirement, type RouteRequirement } from './requirement';
import { authenticateRequest, authenticateRequestNow, requestState } from './request-state';
import { andThen } from '../maybe-promise';
import { adapterService } from './wiring';
import { checkBodyLimit, checkKnownKeys, checkUserLoader } from './options';

/** Options shared by the checkers. */
export interface PasetoCheckerOptions {
  /** Largest JSON body the token lookup reads itself (routes without `@Body`). Default 100 kB. */
  bodyLimit?: number;
}

/** routing-controllers' `authorizationChecker` signature. */
export type PasetoAuthorizationChecker = (action: Action, roles: unknown[]) => boolean | Promise<boolean>;

/**
 * The `authorizationChecker` of `useExpressServer`: answers `@Authorized(...)`, `@PasetoRequired(...)`
 * and their sugar. It never returns `false` (routing-controllers would then throw its own error, whose
 * message carries the URL): a refusal is always an {@link AuthPasetoError}, thrown after setting the
 * `WWW-Authenticate` header on the response.
 *
 * The service is resolved here when it can be — a service or factory is given, or
 * `Container.set(PASETO_CONFIG, ...)` already ran — so a bad key throws its `PasetoConfigError`
 * at wiring. Otherwise it is resolved at the first request; a failure then is logged once and
 * answered with a bare 500 `{ name: 'InternalServerError', message: 'Internal server error' }`.
 *
 * @param auth - the service or a factory (default: `Container.get(PasetoAuthService)`)
 * @throws PasetoConfigError at creation, for a bad service configuration or bad options
 */
export function pasetoAuthorizationChecker(auth?: PasetoAuthSource, options: PasetoCheckerOptions = {}): PasetoAuthorizationChecker {
  checkBodyLimit(checkKnownKeys(options, ['bodyLimit'], 'pasetoAuthorizationChecker'), 'pasetoAuthorizationChecker');
  return authorizationChecker(adapterService(serviceSource(auth), 'pasetoAuthorizationChecker', true), options.bodyLimit, undefined);
}

/**
 * The checker behind {@link pasetoAuthorizationChecker} and `withPaseto`: default guards
 * (`secureByDefault`) count for routes of `owner`'s app only.
 */
export function authorizationChecker(
  getService: () => PasetoAuthService,
  bodyLimit: number | undefined,
  owner: object | undefined,
): PasetoAuthorizationChecker {
  // routing-controllers hands each route the same roles array every time: merge it once per route.
  const routes = new WeakMap<readonly unknown[], RouteRequirement>();
  const routeOf = (roles: readonly unknown[]): RouteRequirement => {
    let route = routes.get(roles);
    if (route === undefined) {
      route = mergeRouteRequirement(roles, owner);
      routes.set(roles, route);
    }
    return route;
  };
  // Synchronous when nothing has to wait (routing-controllers accepts a boolean): a cached token
  // with a synchronous denylist costs the route no promise at all.
  return function pasetoAuthorizationChecker(action: Action, roles: unknown[]): boolean | Promise<boolean> {
    const route = routeOf(roles ?? []);
    if (route.open) return true;
    const service = getService();
    const request = action.request as HttpRequestLike;
    const refuse = (error: unknown): never => {
      throw refuseRequest(service, request, action.response, error);
    };
    try {
      const allowed = andThen(authenticateRequestNow(service, request, { ...route.options, bodyLimit }), (verified) => {
        // Roles need a token: an optional route with roles is not open to anonymous clients.
        for (const group of route.roles) service.checkRoles(verified, group);
        requestState(request).guard = { service, verified };
        return true;
      });
      return allowed instanceof Promise ? allowed.catch(refuse) : allowed;
    } catch (error) {
      return refuse(error);
    }
  };
}

/** Loads the application's user of a verified token; `null`/`undefined` means there is none. */
export type PasetoUserLoader<TUser> = (token: VerifiedToken, action: Action) => TUser | null | undefined | Promise<TUser | null | undefined>;

/** Options of {@link pasetoCurrentUserChecker}. */
export interface PasetoCurrentUserCheckerOptions<TUser> extends PasetoCheckerOptions {
  /** Without it, `@CurrentUser()` receives the {@link VerifiedToken}. */
  userLoader?: PasetoUserLoader<TUser>;
}

/** routing-controllers' `currentUserChecker` signature. */
export type PasetoCurrentUserChecker<TUser> = (action: Action) => Promise<TUser | VerifiedToken | null>;

/**
 * The `currentUserChecker` of `useExpressServer`: answers `@CurrentUser()`.
 *
 * On a guarded route it reuses the guard's verification; elsewhere it looks the token up with the
 * configured defaults and treats the route as optional (absent or undecodable token: `null`).
 * With a `userLoader`, a verified token whose user the loader cannot find is refused with
 * `user_not_found` (401) — a token for a deleted account is not anonymity. A loader that throws
 * is not disguised: its error reaches the error handler as itself. The service is resolved as
 * {@link pasetoAuthorizationChecker} resolves it: at creation when it can be.
 * @throws PasetoConfigError at creation, for a bad service configuration or bad options
 */
export function pasetoCurrentUserChecker<TUser = VerifiedToken>(options?: PasetoCurrentUserCheckerOptions<TUser>): PasetoCurrentUserChecker<TUser>;
export function pasetoCurrentUserChecker<TUser = VerifiedToken>(
  auth: PasetoAuthSource | undefined,
  options?: PasetoCurrentUserCheckerOptions<TUser>,
): PasetoCurrentUserChecker<TUser>;
export function pasetoCurrentUserChecker<TUser = VerifiedToken>(
  first?: PasetoAuthSource | PasetoCurrentUserCheckerOptions<TUser>,
  second?: PasetoCurrentUserCheckerOptions<TUser>,
): PasetoCurrentUserChecker<TUser> {
  const isSource = first instanceof PasetoAuthService || typeof first === 'function';
  const auth = isSource ? (first) : undefined;
  const options: PasetoCurrentUserCheckerOptions<TUser> = (isSource ? second : (first)) ?? {};
  const given = checkKnownKeys(options, ['userLoader', 'bodyLimit'], 'pasetoCurrentUserChecker');
  checkUserLoader(given, 'pasetoCurrentUserChecker');
  checkBodyLimit(given, 'pasetoCurrentUserChecker');
  return currentUserChecker(adapterService(serviceSource(auth), 'pasetoCurrentUserChecker', true), options);
}

/** The checker behind {@link pasetoCurrentUserChecker} and `withPaseto`, on a service already found. */
export function currentUserChecker<TUser>(
  getService: () => PasetoAuthService,
  options: PasetoCurrentUserCheckerOptions<TUser>,
): PasetoCurrentUserChecker<TUser> {
  const loader = options.userLoader;
  return async function pasetoCurrentUserChecker(action: Action): Promise<TUser | VerifiedToken | null> {
    const service = getService();
    const request = action.request as HttpRequestLike;
    const state = requestState(request);
    let verified: VerifiedToken | null;
    try {
      verified =
        state.guard && state.guard.service === service
          ? state.guard.verified
          : await authenticateRequest(service, request, { optional: true, bodyLimit: options.bodyLimit });
    } catch (error) {
      throw refuseRequest(service, request, action.response, error);
    }
    if (verified === null) return null;
    if (loader === undefined) return verified;
    let pending = state.users.get(loader);
    if (pending === undefined) {
      pending = Promise.resolve().then(() => loader(verified, action));
      state.users.set(loader, pending);
    }
    const user = (await pending) as TUser | null | undefined;
    if (user === null || user === undefined) {
      throw refuseRequest(service, request, action.response, service.error('user_not_found', ErrorMessages.userNotFound), verified);
    }
    return user;
  };
}
