import { Container } from 'typedi';
import { ErrorMessages, PasetoConfigError, isAuthPasetoError, type AuthPasetoErrorCode } from '../errors';
import { PasetoAuthService } from '../service';
import type { VerifiedToken } from '../tokens/types';
import { readSocketToken, type SocketHandshakeLike, type SocketTokenLookupOptions } from '../transport/socket';
import { checkSocketMiddlewareOptions } from './options';
import { LiveSessionTracker, resolveLiveSession, type SocketLiveSessionOptions } from './live-session';
import { withRefusedToken } from '../events';

/**
 * The parts of a Socket.IO socket the middleware uses. Structural, so the package does not need
 * socket.io's types at runtime; socket.io's `Socket` satisfies it.
 */
export interface PasetoSocketLike {
  readonly handshake: SocketHandshakeLike;
  /**
   * The engine.io handshake request (the first polling request or the WebSocket upgrade); its
   * `rawHeaders` show a token header sent twice, which `handshake.headers` hides.
   */
  readonly request?: { readonly rawHeaders?: readonly string[] } | null;
  /** socket.io's per-socket bag (`socket.data`); the verified token is kept under {@link SOCKET_AUTH_DATA_KEY}. */
  data: unknown;
  /** The namespace the socket connects to. */
  readonly nsp?: { readonly name: string };
}

/** `code` of a refusal that is not an authentication failure (a throwing `userLoader`, a bug). */
export const SOCKET_INTERNAL_ERROR_CODE = 'internal_error';
/** Message of such a refusal: generic on purpose, internals stay on the server (see `onError`). */
export const SOCKET_INTERNAL_ERROR_MESSAGE = 'Internal server error';

/** The `data` a refused client reads from its `connect_error`. */
export interface SocketAuthErrorData {
  /** An {@link AuthPasetoErrorCode}, or `internal_error`. */
  readonly code: AuthPasetoErrorCode | typeof SOCKET_INTERNAL_ERROR_CODE;
  /** The HTTP status the same failure has over HTTP (after `statusCodes`); 500 for `internal_error`. */
  readonly status: number;
}

/**
 * The error a refused socket is handed to `next(err)` with. socket.io sends its `message` and
 * `data` to the client's `connect_error`; the message is exactly the one an HTTP route gives.
 */
export class SocketAuthError extends Error {
  /** `{ code, status }`, sent to the client. */
  readonly data: SocketAuthErrorData;

  constructor(message: string, data: SocketAuthErrorData) {
    super(message);
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'SocketAuthError';
    this.data = data;
  }
}

/** Loads the application's user for a verified token; returning nothing refuses a required connection with `user_not_found`. */
export type SocketUserLoader<U = unknown> = (token: VerifiedToken, socket: PasetoSocketLike) => U | null | undefined | Promise<U | null | undefined>;

/** An explicit token for every connection, or a function reading one from the handshake (e.g. from a cookie). */
export type SocketExplicitToken = string | ((handshake: SocketHandshakeLike) => string | undefined | Promise<string | undefined>);

/** What {@link pasetoSocketMiddleware} requires of a connection. */
export interface PasetoSocketMiddlewareOptions<U = unknown> extends SocketTokenLookupOptions {
  /** The service; default `Container.get(PasetoAuthService)`, resolved on the first connection. */
  auth?: PasetoAuthService;
  /** A token that skips the lookup (or a function returning one). */
  token?: SocketExplicitToken;
  /** Require a fresh access token. */
  fresh?: boolean;
  /** Require a refresh token (cannot be combined with `fresh`: `invalid_argument`). */
  refreshToken?: boolean;
  /** Required `type` claim (a custom token type). */
  type?: string;
  /** An absent or undecodable token connects anonymously ({@link getSocketAuth} gives `null`); revoked, wrong-type or not-fresh tokens are still refused, and `roles` / `anyRole` still need a token. */
  optional?: boolean;
  /** Every one of these roles is required (`insufficient_role`, 403). */
  roles?: readonly string[];
  /** At least one of these roles is required. */
  anyRole?: readonly string[];
  /** The token is base64 of the PASETO. */
  base64Encoded?: boolean;
  /** The implicit assertion the token was made with. */
  implicitAssertion?: string | Uint8Array;
  /**
   * Browser origins allowed to open a socket (e.g. `['https://app.example.com']`), checked before
   * the token is read: anything else is refused with `csrf_failed`. Needed when the token comes
   * from a cookie (option `token`), which any cross-site page's socket would carry. A handshake
   * without `Origin` (a non-browser client, a same-origin polling request) is accepted unless its
   * `Sec-Fetch-Site` shows a browser request from another origin. Default: no check.
   * @throws PasetoConfigError (when the middleware is created) for an entry that is not an origin
   */
  allowedOrigins?: readonly string[];
  /** Loads the user kept beside the token ({@link getSocketUser}). A throw refuses with `internal_error`. */
  userLoader?: SocketUserLoader<U>;
  /**
   * Told of every refusal that is not an authentication failure (a throwing `userLoader` or
   * `token` function, a missing service): the client only sees `internal_error`, so log it here.
   * Also told of live-session failures: a denylist that fails during a recheck (the socket is
   * kept), and a `disconnect` handler that throws while a session is ended.
   */
  onError?: (error: unknown, socket: PasetoSocketLike) => void;
  /**
   * What ends an accepted socket later: by default (`undefined` or `true`) it is disconnected
   * when its token expires and when its token is revoked through this process's service; `false`
   * keeps a socket until the client leaves (e.g. for single-use tickets that only open the door).
   * An object picks the rules and adds rechecks of a shared denylist
   * ({@link SocketLiveSessionOptions}). Anonymous sockets have no session to end.
   * @throws PasetoConfigError (when the middleware is created) for an invalid `recheckIntervalMs`
   */
  liveSession?: boolean | SocketLiveSessionOptions;
}

/** A socket.io middleware: `io.use(fn)`, `io.of(name).use(fn)`. It never throws: failures go to `next(err)`. */
export interface PasetoSocketMiddlewareFunction {
  (socket: PasetoSocketLike, next: (err?: SocketAuthError) => void): void;
  /** Connected sockets whose live session this middleware watches now (always 0 with `liveSession: false`); for metrics and leak checks. */
  readonly liveSessions: number;
}

/** Key of our record on `socket.data`; namespaced so it cannot collide with the application's own fields. */
export const SOCKET_AUTH_DATA_KEY = 'pasetoControllers';

/** What the middleware keeps on `socket.data[SOCKET_AUTH_DATA_KEY]`. */
export interface SocketAuthRecord<U = unknown> {
  /** The verified token, `null` for an anonymous connection to an optional namespace. */
  readonly token: VerifiedToken | null;
  /** The loaded user, `null` without a `userLoader` or for an anonymous connection. */
  readonly user: U | null;
}

/**
 * Builds a Socket.IO middleware that refuses a connection before `connect` unless its handshake
 * carries a token meeting the requirement. A refused client gets `connect_error` with the HTTP
 * message and `data = { code, status }`; an accepted socket carries the verified token, read with
 * {@link getSocketAuth}.
 *
 * @throws PasetoConfigError naming the field, for an unknown option or a wrong value (`roles: 'admin'`,
 *   `location: 'json'`, `fresh` with `refreshToken`)
 * @example
 * io.use(pasetoSocketMiddleware());
 * io.of('/admin').use(pasetoSocketMiddleware({ roles: ['admin'], fresh: true }));
 */
export function pasetoSocketMiddleware<U = unknown>(options: PasetoSocketMiddlewareOptions<U> = {}): PasetoSocketMiddlewareFunction {
  checkSocketMiddlewareOptions(options);
  const rules = resolveLiveSession(options.liveSession);
  const origins = resolveOrigins(options.allowedOrigins);
  const tracker = rules === undefined ? undefined : new LiveSessionTracker(rules, options.onError);
  const middleware = (socket: PasetoSocketLike, next: (err?: SocketAuthError) => void): void => {
    admit(socket, options, origins, tracker).then(
      () => next(),
      (error: unknown) => next(toSocketAuthError(error, socket, options)),
    )
      // Only reached when socket.io's own `next` throws. A rejection left unhandled would end the
      // process (socket-controllers runs `use()` unguarded); it is socket.io's failure, not ours.
      .catch(() => undefined);
  };
  return Object.defineProperty(middleware, 'liveSessions', { get: () => tracker?.size ?? 0 }) as PasetoSocketMiddlewareFunction;
}

/** Async, so that a service that cannot be constructed is a rejection (a refusal), never a throw. */
async function admit<U>(socket: PasetoSocketLike, options: PasetoSocketMiddlewareOptions<U>, origins: ReadonlySet<string> | undefined, tracker: LiveSessionTracker | undefined): Promise<void> {
  const auth = options.auth ?? Container.get(PasetoAuthService);
  try {
    await authenticateWith(auth, socket, options, origins, tracker);
  } catch (error) {
    // Every refused handshake of this middleware, told to the service's failure listeners.
    auth.reportFailure(error, { transport: 'socket', ip: socket.handshake.address });
    throw error;
  }
}

/**
 * Runs the requirement against one socket and stores the result on `socket.data`. Rejects with
 * an `AuthPasetoError` for an authentication failure, with anything else for a bug or a throwing
 * loader; {@link pasetoSocketMiddleware} turns both into a refusal. It starts no live session
 * (`liveSession` is the middleware's).
 */
export async function authenticateSocket<U>(socket: PasetoSocketLike, options: PasetoSocketMiddlewareOptions<U>): Promise<SocketAuthRecord<U>> {
  return authenticateWith(options.auth ?? Container.get(PasetoAuthService), socket, options, resolveOrigins(options.allowedOrigins), undefined);
}

async function authenticateWith<U>(
  auth: PasetoAuthService,
  socket: PasetoSocketLike,
  options: PasetoSocketMiddlewareOptions<U>,
  origins: ReadonlySet<string> | undefined,
  tracker: LiveSessionTracker | undefined,
): Promise<SocketAuthRecord<U>> {
  if (origins !== undefined) checkOrigin(auth, socket.handshake, origins);
  const token =
    options.token === undefined
      ? readSocketToken(handshakeOf(socket), auth.config, options, (code, message) => auth.error(code, message))
      : typeof options.token === 'function'
        ? await options.token(socket.handshake)
        : options.token;
  const verified = await auth.authenticate(token, options);
  // From here, a revocation of this token reaches the handshake, not only live sockets: without
  // the hold, a token revoked while the userLoader runs would get a socket until its `exp`.
  const hold = verified === null ? undefined : tracker?.hold(socket, auth, verified);
  try {
    // As on HTTP, roles need a token even in an optional namespace.
    auth.checkRoles(verified, { all: options.roles, any: options.anyRole });
    let user: U | null = null;
    if (verified !== null && options.userLoader !== undefined) {
      user = (await options.userLoader(verified, socket)) ?? null;
      // As on HTTP: a valid token whose user is gone is not anonymity, optional namespace or not.
      if (user === null) throw withRefusedToken(auth.error('user_not_found', ErrorMessages.userNotFound), verified);
    }
    // Revoked since it was verified: refused, as a handshake starting now would be.
    if (hold?.revoked === true) throw withRefusedToken(auth.error('token_revoked', ErrorMessages.revoked), verified);
    const record: SocketAuthRecord<U> = { token: verified, user };
    setRecord(socket, record);
    // The session itself starts when socket.io connects the socket (a later middleware may refuse it).
    if (verified !== null) tracker?.watch(socket, auth, verified);
    return record;
  } finally {
    hold?.release();
  }
}

/** The handshake with the raw header lines of its request, so the lookup sees a header sent twice. */
function handshakeOf(socket: PasetoSocketLike): SocketHandshakeLike {
  const rawHeaders = socket.request?.rawHeaders;
  return rawHeaders === undefined || socket.handshake.rawHeaders !== undefined ? socket.handshake : { ...socket.handshake, rawHeaders };
}

/** Message of the `csrf_failed` refusal of a handshake from an origin not in `allowedOrigins`. */
export const SOCKET_ORIGIN_NOT_ALLOWED_MESSAGE = 'Origin not allowed';

/** Normalizes `allowedOrigins` to serialized origins (`scheme://host[:port]`, lower case, no path). */
function resolveOrigins(list: readonly string[] | undefined): ReadonlySet<string> | undefined {
  if (list === undefined) return undefined;
  if (!Array.isArray(list)) throw new PasetoConfigError('allowedOrigins', 'must be a list of origins such as https://app.example.com');
  const origins = new Set<string>();
  for (const entry of list as readonly unknown[]) {
    let origin: string | undefined;
    try {
      origin = typeof entry === 'string' ? new URL(entry).origin : undefined;
    } catch {
      origin = undefined;
    }
    // `new URL('file:///x').origin` and other opaque origins serialize as 'null': never a valid entry.
    if (origin === undefined || origin === 'null') {
      throw new PasetoConfigError('allowedOrigins', `${JSON.stringify(entry)} is not an origin such as https://app.example.com`);
    }
    origins.add(origin);
  }
  return origins;
}

function singleHeader(handshake: SocketHandshakeLike, name: string): string | undefined {
  const value = handshake.headers?.[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Refuses a handshake made by a browser page outside `origins` (`csrf_failed`). Browsers always
 * send `Origin` on a WebSocket upgrade and on cross-origin requests made with CORS; a request
 * without it is a non-browser client or a same-origin polling request, unless `Sec-Fetch-Site`
 * says a browser sent it from elsewhere without CORS (a forged polling handshake).
 */
function checkOrigin(auth: PasetoAuthService, handshake: SocketHandshakeLike, origins: ReadonlySet<string>): void {
  const origin = singleHeader(handshake, 'origin');
  const site = singleHeader(handshake, 'sec-fetch-site');
  const allowed =
    origin !== undefined ? origins.has(origin.toLowerCase()) : handshake.headers?.origin === undefined && (site === undefined || site === 'same-origin' || site === 'none');
  if (!allowed) throw auth.error('csrf_failed', SOCKET_ORIGIN_NOT_ALLOWED_MESSAGE);
}

/** Turns any failure into the error socket.io sends; never throws. */
function toSocketAuthError<U>(error: unknown, socket: PasetoSocketLike, options: PasetoSocketMiddlewareOptions<U>): SocketAuthError {
  // A refused socket must not keep a record from an earlier middleware of the chain.
  clearRecord(socket);
  if (isAuthPasetoError(error)) {
    return new SocketAuthError(error.message, { code: error.code, status: error.httpCode });
  }
  try {
    options.onError?.(error, socket);
  } catch {
    // The application's logger failing must not turn a refusal into a crash.
  }
  return new SocketAuthError(SOCKET_INTERNAL_ERROR_MESSAGE, { code: SOCKET_INTERNAL_ERROR_CODE, status: 500 });
}

function dataBag(socket: PasetoSocketLike): Record<string, unknown> {
  if (typeof socket.data !== 'object' || socket.data === null) socket.data = {};
  return socket.data as Record<string, unknown>;
}

function setRecord<U>(socket: PasetoSocketLike, record: SocketAuthRecord<U>): void {
  dataBag(socket)[SOCKET_AUTH_DATA_KEY] = Object.freeze(record);
}

function clearRecord(socket: PasetoSocketLike): void {
  if (typeof socket.data === 'object' && socket.data !== null) {
    delete (socket.data as Record<string, unknown>)[SOCKET_AUTH_DATA_KEY];
  }
}

function getRecord(socket: Pick<PasetoSocketLike, 'data'>): SocketAuthRecord | undefined {
  if (typeof socket.data !== 'object' || socket.data === null) return undefined;
  const record = (socket.data as Record<string, unknown>)[SOCKET_AUTH_DATA_KEY];
  return typeof record === 'object' && record !== null ? (record as SocketAuthRecord) : undefined;
}

/**
 * The verified token of a socket accepted by our middleware; `null` for an anonymous connection
 * to an optional namespace, and for a socket no PASETO middleware has run on.
 */
export function getSocketAuth(socket: Pick<PasetoSocketLike, 'data'>): VerifiedToken | null {
  return getRecord(socket)?.token ?? null;
}

/** The user the middleware's `userLoader` loaded for this socket, or `null`. */
export function getSocketUser<U = unknown>(socket: Pick<PasetoSocketLike, 'data'>): U | null {
  return (getRecord(socket)?.user as U | null | undefined) ?? null;
}
