import { PasetoConfigError } from '../errors';
import { isPublicController, isPublicMethod } from './public';
import { defaultGuard, isDefaultGuard, shareDefaultGuard } from './requirement';
import type { RoutingControllersMetadata } from './routing-controllers';

type Handler = RoutingControllersMetadata['responseHandlers'][number];

function nameOf(target: object): string {
  return (target as { name?: string }).name ?? 'a controller';
}

/** The actions of a controller as routing-controllers builds them: its own, then inherited ones not overridden. */
function actionsOf(metadata: RoutingControllersMetadata, controller: Function): Array<{ readonly method: string; readonly declaredBy: object }> {
  const actions: Array<{ readonly method: string; readonly declaredBy: object }> = [];
  for (let target: unknown = controller; typeof target === 'function'; target = Object.getPrototypeOf(target)) {
    for (const action of metadata.filterActionsWithTarget(target)) {
      if (!actions.some((known) => known.method === action.method)) actions.push({ method: action.method, declaredBy: target });
    }
  }
  return actions;
}

/** routing-controllers' `@Authorized` record of a route (it takes the first): class-level when `method` is undefined. */
function guardOf(metadata: RoutingControllersMetadata, controller: Function, method: string | undefined): Handler | undefined {
  return metadata.filterResponseHandlersWithTargetAndMethod(controller, method as string).find((handler) => handler.type === 'authorized');
}

/**
 * Refuses `@Public()` where a guard of the route's own would still apply: routing-controllers
 * applies a class-level `@Authorized` to every method, and a method's own guard to itself.
 */
export function refusePublicContradictions(metadata: RoutingControllersMetadata, controller: Function): void {
  const classGuard = guardOf(metadata, controller, undefined);
  if (classGuard !== undefined && isPublicController(controller)) {
    throw new PasetoConfigError('controllers', `${nameOf(controller)} carries both @Public() and a guard (@Authorized/@PasetoRequired): remove one`);
  }
  for (const { method, declaredBy } of actionsOf(metadata, controller)) {
    if (!isPublicMethod(declaredBy, method)) continue;
    const own = guardOf(metadata, controller, method);
    if ((own !== undefined && !isDefaultGuardHandler(own)) || classGuard !== undefined) {
      const where = own !== undefined ? 'its own guard' : `the guard of ${nameOf(controller)}`;
      throw new PasetoConfigError('controllers', `${nameOf(controller)}.${method} is @Public() but ${where} (@Authorized/@PasetoRequired) still applies to it: remove one`);
    }
  }
}

function isDefaultGuardHandler(handler: Handler): boolean {
  const value: unknown = handler.value;
  return Array.isArray(value) && value.length === 1 && isDefaultGuard(value[0]);
}

/**
 * `secureByDefault`: puts a default guard (a plain access-token requirement, for `owner`'s app) on
 * every route of `controller` that has no guard of its own, on the method and class, and no `@Public()`.
 * A route guarded for another `withPaseto` app before is shared with `owner` instead.
 */
export function secureByDefault(metadata: RoutingControllersMetadata, controller: Function, owner: object): void {
  if (guardOf(metadata, controller, undefined) !== undefined || isPublicController(controller)) return;
  for (const { method, declaredBy } of actionsOf(metadata, controller)) {
    const own = guardOf(metadata, controller, method);
    if (own !== undefined) {
      if (isDefaultGuardHandler(own)) shareDefaultGuard((own.value as unknown[])[0] as ReturnType<typeof defaultGuard>, owner);
      continue;
    }
    if (isPublicMethod(declaredBy, method)) continue;
    metadata.responseHandlers.push({ type: 'authorized', target: controller, method, value: [defaultGuard(owner)] });
  }
}
