import { Service } from 'typedi';
import { PasetoConfigError } from '../errors';
import {
  pasetoSocketMiddleware,
  socketMiddlewareOn,
  type PasetoSocketLike,
  type PasetoSocketMiddlewareFunction,
  type PasetoSocketMiddlewareOptions,
  type SocketAuthError,
} from './middleware';
import { checkSocketControllersMiddlewareOptions } from './options';
import { serviceSource } from '../service-source';

/** A namespace as socket-controllers' `@Middleware({ namespace })` takes it. */
export type SocketControllersNamespace = string | RegExp | ReadonlyArray<string | RegExp>;

/** Options of {@link createPasetoSocketMiddleware}: the middleware's requirement plus where and when it runs. */
export interface PasetoSocketControllersMiddlewareOptions<U = unknown> extends PasetoSocketMiddlewareOptions<U> {
  /**
   * Namespaces the middleware applies to (socket-controllers syntax: a path such as `/admin` or
   * `/rooms/:id`, a RegExp, or a list). Default: every namespace. `'/'` is supported (it is
   * handled here, since socket-controllers never runs a middleware declared for `'/'`), but it
   * cannot share a list with other namespaces: create one middleware per requirement instead.
   */
  namespace?: SocketControllersNamespace;
  /** socket-controllers' ordering: lower runs first. */
  priority?: number;
}

/** An instance socket-controllers calls `use(socket, next)` on. Never throws, never rejects. */
export interface PasetoSocketControllersMiddleware {
  use(socket: PasetoSocketLike, next: (err?: SocketAuthError) => void): void;
}

/** A `@Middleware` class produced by {@link createPasetoSocketMiddleware}. */
export type PasetoSocketControllersMiddlewareClass = new () => PasetoSocketControllersMiddleware;

/** The one export of socket-controllers we use, typed here so its types are not needed at runtime. */
interface SocketControllersModule {
  Middleware(options?: { priority?: number; namespace?: string | RegExp | Array<string | RegExp> }): (target: abstract new (...args: never[]) => unknown) => void;
}

/**
 * socket-controllers is an optional peer dependency: `undefined` when it is not installed, so this
 * module (and the package index) loads without it. Any other load failure is a real error.
 */
function loadSocketControllers(): SocketControllersModule | undefined {
  try {
    // A runtime require, not an import: the import would make socket-controllers mandatory.
    return require('socket-controllers') as SocketControllersModule;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const message = error instanceof Error ? error.message : '';
    if (code === 'MODULE_NOT_FOUND' && message.includes("'socket-controllers'")) return undefined;
    throw error;
  }
}

function requireSocketControllers(): SocketControllersModule {
  const module = loadSocketControllers();
  if (module === undefined) {
    throw new PasetoConfigError('socket-controllers', 'createPasetoSocketMiddleware needs the optional peer dependency socket-controllers: npm install socket-controllers');
  }
  return module;
}

/**
 * A socket-controllers middleware requiring a valid access token on every namespace (the
 * configured `websocketTokenLocation`, default options). Give it to
 * `new SocketControllers({ io, container: Container, middlewares: [PasetoSocketMiddleware] })`.
 * For other requirements or namespaces use {@link createPasetoSocketMiddleware}.
 *
 * It is a typedi `@Service()` (socket-controllers gets it from the container) and is marked as a
 * socket-controllers `@Middleware()` when this module loads, if socket-controllers is installed.
 */
@Service()
export class PasetoSocketMiddleware implements PasetoSocketControllersMiddleware {
  // The container is asked on every connection (it keeps its instance): this class is a container
  // singleton that outlives a `Container.set(PasetoAuthService, …)` made after its first use.
  private readonly handler: PasetoSocketMiddlewareFunction = socketMiddlewareOn(serviceSource(undefined, { cache: false }), {});

  /** Authenticates the socket; failures go to `next(err)`, never thrown. */
  use(socket: PasetoSocketLike, next: (err?: SocketAuthError) => void): void {
    this.handler(socket, next);
  }
}

// Decorating at load instead of with `@Middleware()` keeps socket-controllers optional.
loadSocketControllers()?.Middleware()(PasetoSocketMiddleware);

/**
 * Creates a socket-controllers `@Middleware` class (also a typedi `@Service`) with its own
 * requirement, namespace and priority.
 *
 * socket-controllers 0.3.1 attaches middlewares to `/` and to namespaces created after
 * `new SocketControllers(...)` (its controllers' namespaces included); a namespace made earlier
 * with `io.of()` gets none, so create namespaces after it or use {@link pasetoSocketMiddleware}
 * on them directly.
 *
 * @throws PasetoConfigError when socket-controllers is not installed, `'/'` shares a list, or an
 *   option is unknown or wrong (as {@link pasetoSocketMiddleware})
 * @example
 * const AdminAuth = createPasetoSocketMiddleware({ namespace: '/admin', roles: ['admin'] });
 * new SocketControllers({ io, container: Container, controllers, middlewares: [AdminAuth] });
 */
export function createPasetoSocketMiddleware<U = unknown>(options: PasetoSocketControllersMiddlewareOptions<U> = {}): PasetoSocketControllersMiddlewareClass {
  checkSocketControllersMiddlewareOptions(options);
  const { Middleware } = requireSocketControllers();
  const { namespace, priority, ...requirement } = options;
  const handler = pasetoSocketMiddleware(requirement);

  const list = typeof namespace === 'string' || namespace instanceof RegExp || namespace === undefined ? undefined : namespace;
  if (list !== undefined && list.includes('/') && list.length > 1) {
    throw new PasetoConfigError('namespace', "'/' cannot be combined with other namespaces in one socket-controllers middleware; create one middleware for '/' and one for the others");
  }
  // socket-controllers only attaches namespaced middlewares on `new_namespace`, which socket.io
  // never emits for `/`: register such a middleware everywhere and let it pass other namespaces.
  const rootOnly = namespace === '/' || (list !== undefined && list.length === 1 && list[0] === '/');

  @Service()
  class PasetoNamespaceMiddleware implements PasetoSocketControllersMiddleware {
    use(socket: PasetoSocketLike, next: (err?: SocketAuthError) => void): void {
      if (rootOnly && socket.nsp?.name !== '/') {
        next();
        return;
      }
      handler(socket, next);
    }
  }
  Middleware({
    priority,
    namespace: rootOnly || namespace === undefined ? undefined : typeof namespace === 'string' || namespace instanceof RegExp ? namespace : [...namespace],
  })(PasetoNamespaceMiddleware);
  return PasetoNamespaceMiddleware;
}
