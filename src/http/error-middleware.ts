import { Container } from 'typedi';
import type { PasetoErrorRequestHandler } from './error-handler';
import type { RoutingControllersMetadata } from './routing-controllers';

/** routing-controllers' record of a `@Middleware({ type: 'after' })` class. */
type MiddlewareArgs = RoutingControllersMetadata['middlewares'][number];

/** A routing-controllers error middleware class (`ExpressErrorMiddlewareInterface`). */
export type PasetoErrorMiddlewareClass = new () => { error: PasetoErrorRequestHandler };

/** Our middleware classes, kept out of routing-controllers' shared list. */
const ours = new WeakMap<object, MiddlewareArgs>();
const SCOPED = Symbol('paseto-controllers.scoped-middlewares');

/**
 * routing-controllers registers every `@Middleware` class of the process in an app that does not
 * list its `middlewares`. An error handler wired by `withPaseto` must reach the app it was made for
 * only, so its record is not put in the shared list; routing-controllers' lookup of the classes an
 * app lists is extended (once per process) to find it there.
 */
function findOursWhenListed(metadata: RoutingControllersMetadata): void {
  const storage = metadata as RoutingControllersMetadata & { [SCOPED]?: true };
  if (storage[SCOPED]) return;
  const listed = storage.filterMiddlewareMetadatasForClasses.bind(storage);
  storage.filterMiddlewareMetadatasForClasses = (classes: Function[]) =>
    classes.flatMap((target) => {
      const args = ours.get(target);
      return args === undefined ? listed([target]) : [args];
    });
  Object.defineProperty(storage, SCOPED, { value: true });
}

/**
 * A routing-controllers error middleware class running `handler`, registered after every other
 * `after` middleware of the app that lists it (and of no other app).
 */
export function errorMiddlewareClass(metadata: RoutingControllersMetadata, handler: PasetoErrorRequestHandler): PasetoErrorMiddlewareClass {
  findOursWhenListed(metadata);
  const PasetoErrorMiddleware = class {
    error: PasetoErrorRequestHandler = handler;
  };
  // Lowest priority: routing-controllers registers `after` middlewares by descending priority.
  ours.set(PasetoErrorMiddleware, { target: PasetoErrorMiddleware, type: 'after', global: true, priority: Number.MIN_SAFE_INTEGER });
  // routing-controllers takes middleware instances from its container: with useContainer(Container)
  // typedi must know the class.
  Container.set({ id: PasetoErrorMiddleware, type: PasetoErrorMiddleware });
  return PasetoErrorMiddleware;
}

/** True for a class made by {@link errorMiddlewareClass}. */
export function isPasetoErrorMiddleware(value: unknown): boolean {
  return typeof value === 'function' && ours.has(value);
}
