/**
 * The paseto-controllers demo: express 4 + routing-controllers for HTTP, socket.io (plain and
 * socket-controllers) for realtime, typedi for DI, class-validator on the login body.
 *
 *   npm start                 # http://127.0.0.1:3000 (loopback only: the demo has test/test accounts)
 *   PORT=8080 npm start
 *   HOST=0.0.0.0 npm start    # listen on every interface
 *   PASETO_SECRET_KEY=k4.local.… npm start   (from `npm run --silent keygen`)
 */
import 'reflect-metadata';
import { once } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { useExpressServer } from 'routing-controllers';
import { SocketControllers } from 'socket-controllers';
import { Server as SocketIOServer } from 'socket.io';
import type { ContainerInstance } from 'typedi';
import {
  checkSocketControllersCoverage,
  createPasetoSocketMiddleware,
  getSocketUser,
  PASETO_KEY_SET_PATH,
  PasetoAuthService,
  pasetoAuthorizationChecker,
  pasetoCurrentUserChecker,
  pasetoSocketMiddleware,
  type PasetoAuthOptions,
  type VerifiedToken,
} from '../src';
import { demoKeysFromEnv, type DemoEnv } from './config';
import { createAppContainer } from './container';
import { serveApiDocs } from './openapi';
import { AuthController } from './controllers/auth.controller';
import { UserController } from './controllers/user.controller';
import { GREETING_EVENT, greetingFor } from './sockets/greeting';
import { QueryGreetingController } from './sockets/query.controller';
import { UserStore, type DemoUser } from './users';

/** Options of {@link createDemoApp}; every one has a default. */
export interface DemoOptions {
  /** Where keys, `PORT` and `HOST` come from. Default `process.env`. */
  env?: DemoEnv;
  /** More service options (e.g. short lifetimes in tests); they win over the demo's. */
  paseto?: Partial<PasetoAuthOptions>;
  /** Where warnings go. Default `console.warn`. */
  log?: (message: string) => void;
}

/** A demo server, not yet listening. */
export interface DemoApp {
  app: Express;
  httpServer: HttpServer;
  io: SocketIOServer;
  auth: PasetoAuthService;
  users: UserStore;
  /** This app's typedi container (controllers, `PasetoAuthService`, `UserStore`). */
  container: ContainerInstance;
  /**
   * Listen on `port` (default: `PORT`, else 3000; 0 picks a free port) and `host` (default: `HOST`,
   * else 127.0.0.1: the demo's test/test accounts stay off the network); resolves to the port.
   */
  listen(port?: number, host?: string): Promise<number>;
  /** Disconnect every socket, stop listening and drop the app's container. */
  close(): Promise<void>;
}

const PUBLIC_DIR = join(__dirname, 'public');
/** Loopback only unless `HOST` says otherwise. */
export const DEFAULT_HOST = '127.0.0.1';

/**
 * Build the demo: HTTP routes, the page at `/`, Socket.IO namespaces `/` and `/query`.
 *
 * @param options - environment, extra service options, logger
 * @returns the app, its servers, the auth service and `listen` / `close`
 */
export function createDemoApp(options: DemoOptions = {}): DemoApp {
  const env = options.env ?? (process.env);
  const log = options.log ?? ((message: string) => console.warn(message));

  const keys = demoKeysFromEnv(env);
  if (keys.generated) {
    log(
      `[paseto-controllers demo] WARNING: PASETO_SECRET_KEY is not set, so a development key (${keys.kid}) was generated for this process.\n` +
        '  Tokens die with the process: after a restart every token is refused.\n' +
        '  For a stable key run `npm run --silent keygen > .env` here (`npx paseto-controllers keygen` where the package is installed)\n' +
          '  and set PASETO_SECRET_KEY from it (see docs/cli.md).',
    );
  }
  const auth = new PasetoAuthService({
    ...keys.options,
    // In memory: a revoked token stays revoked until it expires or the process ends.
    denylistEnabled: true,
    ...options.paseto,
  });

  const app = express();
  const { container, dispose } = createAppContainer(app.locals);
  const users = new UserStore();
  container.set(PasetoAuthService, auth);
  container.set(UserStore, users);
  const userLoader = (token: VerifiedToken): Promise<DemoUser | undefined> => users.findByUsername(token.subject);

  app.disable('x-powered-by');
  // The public keys for services that verify with `keySetUrl` (none with a local key: 404).
  app.get(PASETO_KEY_SET_PATH, (_request, response) => {
    const keySet = auth.publicKeySet();
    if (keySet.keys.length === 0) response.status(404).json({ name: 'NotFoundError', message: 'No public keys: this server signs with a local key' });
    else response.json(keySet);
  });
  app.use(express.json({ limit: '16kb' }));
  app.use(express.static(PUBLIC_DIR));
  useExpressServer(app, {
    controllers: [AuthController, UserController],
    authorizationChecker: pasetoAuthorizationChecker(auth),
    currentUserChecker: pasetoCurrentUserChecker(auth, { userLoader }),
    // No stack traces in responses; our errors render their own status and `code`.
    development: false,
    // We validate with class-validator ourselves (demo/dto.ts) to give messages that name the field.
    validation: false,
  });
  // The OpenAPI document at /openapi.json, Swagger UI at /docs.
  serveApiDocs(app, { auth, controllers: [AuthController, UserController] });
  app.use(finalErrorHandler);

  const httpServer = createServer(app);
  const io = new SocketIOServer(httpServer);

  // Namespace `/`, plain socket.io: token from auth.token, the Authorization header or ?token=.
  // A minute before the token expires the page is warned (paseto:session_expiring) and renews it in
  // band (paseto:reauth), keeping the socket.
  io.use(
    pasetoSocketMiddleware({
      auth,
      userLoader,
      liveSession: { warnBeforeMs: 60_000 },
      onError: (error: unknown) => log(`[paseto-controllers demo] socket refused: ${String(error)}`),
    }),
  );
  io.on('connection', (socket) => {
    const user = getSocketUser<DemoUser>(socket);
    if (user) socket.emit(GREETING_EVENT, greetingFor(user, socket.nsp.name));
  });

  // Namespace `/query`, socket-controllers: only ?token= (a per-namespace location override).
  const QueryOnlyAuth = createPasetoSocketMiddleware({ namespace: '/query', location: ['query'], auth, userLoader });
  const socketControllers = { io, container, controllers: [QueryGreetingController], middlewares: [QueryOnlyAuth] };
  // A controller namespace without a paseto middleware would accept anyone: say so at start-up.
  checkSocketControllersCoverage({ ...socketControllers, logger: { warn: log } });
  new SocketControllers(socketControllers);

  let closed = false;
  return {
    app,
    httpServer,
    io,
    auth,
    users,
    container,
    async listen(port = Number(env.PORT ?? 3000), host = env.HOST ?? DEFAULT_HOST): Promise<number> {
      httpServer.listen(port, host);
      await once(httpServer, 'listening');
      return (httpServer.address() as AddressInfo).port;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      // io.close() disconnects every socket and closes the HTTP server; keep-alive connections
      // would hold server.close() open, so end them too.
      const closing = io.close();
      httpServer.closeAllConnections();
      await closing;
      dispose();
    },
  };
}

/**
 * The last express error handler.
 *
 * routing-controllers sends its error response and then calls `next(error)`; express's own
 * handler would then log the stack of every 401 and close the keep-alive connection. Here an error
 * whose response is already sent is done with; a body-parser error (malformed JSON, oversized
 * body, raised by `express.json()` before any route) gets a JSON answer; anything else a plain 500.
 * It is a plain express handler, not a routing-controllers `@Middleware` class: such a class is
 * registered in every routing-controllers app of the process that does not list its `middlewares`.
 */
const finalErrorHandler: ErrorRequestHandler = (error: unknown, _request, response, _next) => {
  if (response.headersSent) return;
  const { status, type } = (error ?? {}) as { status?: unknown; type?: unknown };
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message = type === 'entity.parse.failed' ? 'Request body is not valid JSON' : type === 'entity.too.large' ? 'Request body is too large' : 'Bad request';
    response.status(status).json({ name: 'BadRequestError', message });
    return;
  }
  console.error(error);
  response.status(500).json({ name: 'InternalServerError', message: 'Internal server error' });
};

/** `npm start`: listen on PORT (default 3000) until SIGINT / SIGTERM. */
async function main(): Promise<void> {
  const demo = createDemoApp();
  const port = await demo.listen();
  const { address } = demo.httpServer.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  console.log(`paseto-controllers demo on http://${host}:${port}/  (log in as test/test or admin/admin)`);
  const stop = (): void => {
    demo.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
