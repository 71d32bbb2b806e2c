import { Service } from 'typedi';
import {
  pasetoSocketMiddleware,
  socketMiddlewareOn,
  type PasetoSocketLike,
  type PasetoSocketMiddlewareFunction,
  type PasetoSocketMiddlewareOptions,
  type SocketAuthError,
} from './middleware';
import { AuthPasetoError, ErrorMessages, PasetoConfigError } from '../errors';
import { recordPasetoMiddleware } from './coverage';
import { judgeEvent, refuseEvent, SOCKET_EVENT_RULE_CHECKS, type SocketEventRule } from './events';
import { checkOptions, checkSocketControllersMiddlewareOptions } from './options';
import { bindingOf, getSocketAuth, type LiveSocket } from './record';
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

/** The part of socket-controllers' event context an interceptor reads. */
interface SocketEventContextLike {
  readonly socket: object;
  readonly eventName?: string;
  readonly ack?: unknown;
}

/** The exports of socket-controllers we use, typed here so its types are not needed at runtime. */
interface SocketControllersModule {
  Middleware(options?: { priority?: number; namespace?: string | RegExp | Array<string | RegExp> }): (target: abstract new (...args: never[]) => unknown) => void;
  /** Not exported by the index of socket-controllers 0.3.1 (its runtime supports interceptors): see {@link useInterceptorOf}. */
  UseInterceptor?: UseInterceptorDecorator;
}

type UseInterceptorDecorator = (...interceptors: Array<{ use(context: SocketEventContextLike, next: () => unknown): unknown }>) => (target: object, method: string) => void;

/** socket-controllers' `UseInterceptor`: from its index when exported, else from its own module (0.3.1 runs interceptors but does not export the decorator). */
function useInterceptorOf(module: SocketControllersModule): UseInterceptorDecorator {
  if (typeof module.UseInterceptor === 'function') return module.UseInterceptor;
  return (require('socket-controllers/decorators/UseInterceptor') as { UseInterceptor: UseInterceptorDecorator }).UseInterceptor;
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

function requireSocketControllers(what: string): SocketControllersModule {
  const module = loadSocketControllers();
  if (module === undefined) {
    throw new PasetoConfigError('socket-controllers', `${what} needs the optional peer dependency socket-controllers: npm install socket-controllers`);
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
recordPasetoMiddleware(PasetoSocketMiddleware, undefined);

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
  const { Middleware } = requireSocketControllers('createPasetoSocketMiddleware');
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
  recordPasetoMiddleware(PasetoNamespaceMiddleware, rootOnly ? '/' : namespace);
  return PasetoNamespaceMiddleware;
}

/**
 * Guards one socket-controllers `@OnMessage` method (an interceptor underneath), as option
 * `events` of the middleware does: `@SocketAuthorized()` asks for a live session with a token,
 * `@SocketAuthorized('admin')` (or a list) for these roles, `@SocketAuthorized({ fresh: true,
 * anyRole: [...] })` for a rule. The check is in memory (expiry and revocation of the session,
 * then the rule; no cryptography). A refused message never reaches the method: its
 * acknowledgement gets `{ error: { code, status, message } }`, or the client receives
 * `paseto:event_refused`; the socket stays connected. The namespace must be guarded by one of our
 * middlewares (else: `token_missing`).
 * @throws PasetoConfigError when the rule is malformed, or socket-controllers is not installed
 * @example
 * \@OnMessage('ban') \@SocketAuthorized('admin') ban(@MessageBody() body: Ban) { ... }
 */
export function SocketAuthorized(rolesOrRule?: string | readonly string[] | SocketEventRule): (target: object, method: string) => void {
  const rule = socketAuthorizedRule(rolesOrRule);
  const UseInterceptor = useInterceptorOf(requireSocketControllers('@SocketAuthorized'));
  const interceptor = {
    use(context: SocketEventContextLike, next: () => unknown): unknown {
      const { socket } = context;
      const binding = bindingOf(socket);
      const refusal =
        binding === undefined
          ? new AuthPasetoError('token_missing', ErrorMessages.tokenMissing)
          : judgeEvent(binding.auth, getSocketAuth(socket as PasetoSocketLike), binding.hasEnded(), rule);
      if (refusal === undefined) return next();
      refuseEvent(socket as LiveSocket, context.eventName ?? '', context.ack, refusal);
      return undefined;
    },
  };
  return (target, method) => UseInterceptor(interceptor)(target, method);
}

function socketAuthorizedRule(rolesOrRule: string | readonly string[] | SocketEventRule | undefined): SocketEventRule {
  if (rolesOrRule === undefined) return {};
  const rule = typeof rolesOrRule === 'string' ? { roles: [rolesOrRule] } : Array.isArray(rolesOrRule) ? { roles: rolesOrRule } : rolesOrRule;
  checkOptions(rule, SOCKET_EVENT_RULE_CHECKS, 'SocketAuthorized.');
  return Object.freeze({ ...(rule as SocketEventRule) });
}
