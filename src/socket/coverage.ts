/**
 * Start-up check that every socket-controllers namespace has a paseto middleware: with
 * `middlewares: [RootAuth, AdminAuth]`, a `@SocketController('/chat')` runs unguarded and
 * socket-controllers says nothing.
 */

/** A namespace a paseto socket-controllers middleware guards; `undefined` = every namespace. */
type GuardedNamespace = string | RegExp | ReadonlyArray<string | RegExp> | undefined;

/** Our `@Middleware` classes and what they guard, recorded when they are created. */
const pasetoMiddlewares = new WeakMap<object, GuardedNamespace>();

/** Records a paseto middleware class (called by socket-controllers.ts, not exported from the package). */
export function recordPasetoMiddleware(middleware: object, namespace: GuardedNamespace): void {
  pasetoMiddlewares.set(middleware, namespace);
}

/** Options of {@link checkSocketControllersCoverage}: what you give `new SocketControllers(...)`, plus how to report. */
export interface SocketControllersCoverageOptions {
  /** The controller classes given to socket-controllers (glob strings are not loaded, so not checked). */
  controllers?: ReadonlyArray<unknown>;
  /** The middleware classes given to socket-controllers. */
  middlewares?: ReadonlyArray<unknown>;
  /** Namespaces meant to be open (exact paths as written in `@SocketController`): no warning for them. */
  open?: ReadonlyArray<string>;
  /** Where warnings go. Default: `console`. */
  logger?: { warn(message: string): void };
}

/** socket-controllers keeps its metadata under an unexported symbol: find it by its description. */
function controllerNamespace(target: unknown): { found: boolean; namespace?: string | RegExp } {
  if (typeof target !== 'function') return { found: false };
  const key = Reflect.getMetadataKeys(target).find((k): k is symbol => typeof k === 'symbol' && k.description === 'SocketControllerMetaKey');
  const metadata = key === undefined ? undefined : (Reflect.getMetadata(key, target) as { type?: number; namespace?: string | RegExp } | undefined);
  // HandlerType.CONTROLLER is 0 in socket-controllers 0.3.
  if (metadata?.type !== 0) return { found: false };
  return { found: true, namespace: metadata.namespace };
}

/** Whether one middleware namespace entry guards a controller namespace (same path, or a RegExp matching it). */
function entryGuards(entry: string | RegExp, namespace: string | RegExp): boolean {
  if (typeof namespace === 'string') return typeof entry === 'string' ? entry === namespace : entry.test(namespace);
  return entry instanceof RegExp && entry.source === namespace.source && entry.flags === namespace.flags;
}

function guards(guarded: GuardedNamespace, namespace: string | RegExp): boolean {
  if (guarded === undefined) return true;
  const entries: ReadonlyArray<string | RegExp> = typeof guarded === 'string' || guarded instanceof RegExp ? [guarded] : guarded;
  return entries.some((entry) => entryGuards(entry, namespace));
}

/**
 * Warns, once per namespace, about each socket-controllers controller namespace that none of the
 * paseto middlewares in `middlewares` guards (a controller without a namespace is on `'/'`).
 * Call it next to `new SocketControllers(...)` with the same `controllers` and `middlewares`.
 * Only middlewares from `PasetoSocketMiddleware`/`createPasetoSocketMiddleware` count; your own
 * middlewares are not assumed to authenticate.
 *
 * @returns the unguarded namespaces (empty when every one is covered or listed in `open`)
 * @example
 * const options = { io, container: Container, controllers: [ChatController], middlewares: [RootAuth, AdminAuth] };
 * checkSocketControllersCoverage(options);   // warns: /chat has no paseto middleware
 * new SocketControllers(options);
 */
export function checkSocketControllersCoverage(options: SocketControllersCoverageOptions): Array<string | RegExp> {
  const logger = options.logger ?? console;
  const open = new Set(options.open ?? []);
  const guarded = (options.middlewares ?? []).filter((middleware) => typeof middleware === 'function' && pasetoMiddlewares.has(middleware)).map((middleware) => pasetoMiddlewares.get(middleware as object));

  const unguarded: Array<string | RegExp> = [];
  const seen = new Set<string>();
  for (const controller of options.controllers ?? []) {
    const { found, namespace = '/' } = controllerNamespace(controller);
    if (!found || open.has(String(namespace)) || seen.has(String(namespace))) continue;
    seen.add(String(namespace));
    if (guarded.some((entry) => guards(entry, namespace))) continue;
    unguarded.push(namespace);
    logger.warn(
      `paseto-controllers: socket-controllers namespace ${String(namespace)} has no paseto middleware, so its controllers accept sockets without a token. ` +
        `Add createPasetoSocketMiddleware({ namespace: ${typeof namespace === 'string' ? `'${namespace}'` : String(namespace)} }) to middlewares, or list it in open.`,
    );
  }
  return unguarded;
}
