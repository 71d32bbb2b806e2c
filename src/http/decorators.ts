import type { Action } from 'routing-controllers';
import { PasetoConfigError } from '../errors';
import { serviceSource, type PasetoAuthSource } from '../service-source';
import type { HttpRequestLike } from '../transport/http';
import { AuthPaseto } from './auth-handle';
import { isPasetoRequirement, pasetoRequirement, type PasetoRequirement, type PasetoRequirementOptions } from './requirement';
import { requestState } from './request-state';
import { adapterService } from './wiring';
import { routingControllers, type RoutingControllersMetadata } from './routing-controllers';

/** A class or method decorator, as routing-controllers' `@Authorized` is. */
export type PasetoRouteDecorator = (target: object, method?: string | symbol) => void;

/**
 * routing-controllers keeps one `@Authorized` per class and one per method (it takes the first it
 * finds and silently drops the others): refuse a second one at startup instead.
 */
function refuseSecondGuard(metadata: RoutingControllersMetadata, target: object, method: string | symbol | undefined): void {
  const owner = method === undefined ? target : (target as { constructor: object }).constructor;
  const taken = metadata.responseHandlers.some(
    (handler) => handler.type === 'authorized' && handler.target === owner && handler.method === method,
  );
  if (taken) {
    const where = method === undefined ? (owner as { name?: string }).name : `${(owner as { name?: string }).name}.${String(method)}`;
    throw new PasetoConfigError(
      'decorators',
      `${where} already has @Authorized/@PasetoRequired: routing-controllers keeps only one per class and per method; put every option in one (e.g. @PasetoRequired({ fresh: true, roles: ['admin'] }))`,
    );
  }
}

/**
 * A class-level requirement that changes what a token must be (`optional`, `refreshToken`, a custom
 * `type`) would silently apply to a method guarded by a plain `@Authorized(...)` too: routing-controllers
 * concatenates class and method entries, and a bare `@Authorized()` adds nothing, so an "authorized"
 * method under `@PasetoOptional()` would be open to anyone. Method decorators run before the class
 * decorator, so they can all be checked here, at start-up.
 */
function refuseLoosenedMethods(metadata: RoutingControllersMetadata, target: object, requirement: PasetoRequirement): void {
  const changesTokenKind = requirement.refreshToken === true || requirement.type !== 'access';
  if (requirement.optional !== true && !changesTokenKind) return;
  for (const handler of metadata.responseHandlers) {
    if (handler.type !== 'authorized' || handler.target !== target || handler.method === undefined) continue;
    const entries: unknown[] = Array.isArray(handler.value) ? handler.value : handler.value === undefined ? [] : [handler.value];
    if (entries.some(isPasetoRequirement)) continue;
    // Under an optional class, string roles still demand a token; only a bare @Authorized() is opened up.
    if (!changesTokenKind && entries.length > 0) continue;
    const where = `${(target as { name?: string }).name}.${String(handler.method)}`;
    const { optional, type, refreshToken } = requirement;
    throw new PasetoConfigError(
      'decorators',
      `${where} has a plain @Authorized() under a class-level requirement (${JSON.stringify({ optional, type, refreshToken })}) that would apply to it too; ` +
        `say what the method needs with @PasetoRequired() (or @FreshTokenRequired(), @RefreshTokenRequired(), @PasetoOptional()) on it`,
    );
  }
}

/**
 * Requires a token meeting `options` on a route (method) or on every route of a controller (class).
 * It is `@Authorized(pasetoRequirement(options))` underneath, so it needs
 * `authorizationChecker: pasetoAuthorizationChecker()`. On a method it decides the kind of token
 * (required or optional, type, refresh or not) whatever the class carries; a class-level `fresh: true`
 * still applies unless the method says `fresh: false`; roles of both add up; the method's lookup
 * options override the class's.
 */
export function PasetoRequired(options: PasetoRequirementOptions = {}): PasetoRouteDecorator {
  const requirement = pasetoRequirement(options);
  const { Authorized, getMetadataArgsStorage } = routingControllers('@PasetoRequired');
  return (target, method) => {
    const metadata = getMetadataArgsStorage();
    refuseSecondGuard(metadata, target, method);
    if (method === undefined) refuseLoosenedMethods(metadata, target, requirement);
    (Authorized(requirement) as PasetoRouteDecorator)(target, method);
  };
}

/** Requires a fresh access token (fastapi-paseto's `fresh=True`). */
export function FreshTokenRequired(options: Omit<PasetoRequirementOptions, 'fresh' | 'refreshToken'> = {}): PasetoRouteDecorator {
  return PasetoRequired({ ...options, fresh: true });
}

/** Requires a refresh token (fastapi-paseto's `refresh_token=True`); the JSON key defaults to `jsonRefreshKey`. */
export function RefreshTokenRequired(options: Omit<PasetoRequirementOptions, 'fresh' | 'refreshToken'> = {}): PasetoRouteDecorator {
  return PasetoRequired({ ...options, refreshToken: true });
}

/**
 * An optional token: an absent or undecodable token lets the request through anonymously (`@CurrentUser()`
 * is `null`); a revoked, wrong-type or not-fresh token still fails.
 */
export function PasetoOptional(options: Omit<PasetoRequirementOptions, 'optional'> = {}): PasetoRouteDecorator {
  return PasetoRequired({ ...options, optional: true });
}

/**
 * Injects the per-request {@link AuthPaseto} handle. Its service is the one given here (a service
 * or a factory), else the route guard's, else `Container.get(PasetoAuthService)`.
 */
export function Auth(auth?: PasetoAuthSource): (object: object, method: string, index: number) => void {
  // Decorators run at import, before the configuration is set, and live as long as the process:
  // the container is asked at each use (it keeps the instance), a given service is used as it is.
  const getService = adapterService(serviceSource(auth, { cache: false }), '@Auth()', false);
  return routingControllers('@Auth').createParamDecorator({
    required: false,
    value: (action: Action) => {
      const request = action.request as HttpRequestLike;
      const service = (auth === undefined ? requestState(request).guard?.service : undefined) ?? getService();
      return new AuthPaseto(service, request, action.response);
    },
  });
}
