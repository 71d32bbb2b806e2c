import { Container } from 'typedi';
import { ErrorMessages, isAuthPasetoError, type AuthPasetoErrorCode } from '../errors';
import { PasetoAuthService } from '../service';
import type { VerifiedToken } from '../tokens/types';
import { readSocketToken, type SocketHandshakeLike, type SocketTokenLookupOptions } from '../transport/socket';
import { LiveSessionTracker, resolveLiveSession, type SocketLiveSessionOptions } from './live-session';

/**
 * The parts of a Socket.IO socket the middleware uses. Structural, so the package does not need
 * socket.io's types at runtime; socket.io's `Socket` satisfies it.
 */
export interface PasetoSocketLike {
  readonly handshake: SocketHandshakeLike;
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
 * @example
 * io.use(pasetoSocketMiddleware());
 * io.of('/admin').use(pasetoSocketMiddleware({ roles: ['admin'], fresh: true }));
 */
export function pasetoSocketMiddleware<U = unknown>(options: PasetoSocketMiddlewareOptions<U> = {}): PasetoSocketMiddlewareFunction {
  const rules = resolveLiveSession(options.liveSession);
  const tracker = rules === undefined ? undefined : new LiveSessionTracker(rules, options.onError);
  const middleware = (socket: PasetoSocketLike, next: (err?: SocketAuthError) => void): void => {
    admit(socket, options, tracker).then(
      () => next(),
      (error: unknown) => next(toSocketAuthError(error, socket, options)),
    )
      // Only reached when socket.io's own `next` throws. A rejection left unhandled would end the
      // process (socket-controllers runs `use()` unguarded); it is socket.io's failure, not ours.
      .catch(() => undefined);
  };
  return Object.defineProperty(middleware, 'liveSessions', { get: () => tracker?.size ?? 0 }) as PasetoSocketMiddlewareFunction;
}

async function admit<U>(socket: PasetoSocketLike, options: PasetoSocketMiddlewareOptions<U>, tracker: LiveSessionTracker | undefined): Promise<void> {
  const auth = options.auth ?? Container.get(PasetoAuthService);
  const record = await authenticateWith(auth, socket, options);
  if (tracker !== undefined && record.token !== null) tracker.watch(socket, auth, record.token);
}

/**
 * Runs the requirement against one socket and stores the result on `socket.data`. Rejects with
 * an `AuthPasetoError` for an authentication failure, with anything else for a bug or a throwing
 * loader; {@link pasetoSocketMiddleware} turns both into a refusal. It starts no live session
 * (`liveSession` is the middleware's).
 */
export async function authenticateSocket<U>(socket: PasetoSocketLike, options: PasetoSocketMiddlewareOptions<U>): Promise<SocketAuthRecord<U>> {
  return authenticateWith(options.auth ?? Container.get(PasetoAuthService), socket, options);
}

async function authenticateWith<U>(auth: PasetoAuthService, socket: PasetoSocketLike, options: PasetoSocketMiddlewareOptions<U>): Promise<SocketAuthRecord<U>> {
  const token =
    options.token === undefined
      ? readSocketToken(socket.handshake, auth.config, options, (code, message) => auth.error(code, message))
      : typeof options.token === 'function'
        ? await options.token(socket.handshake)
        : options.token;
  const verified = await auth.authenticate(token, options);
  // As on HTTP, roles need a token even in an optional namespace.
  auth.checkRoles(verified, { all: options.roles, any: options.anyRole });
  let user: U | null = null;
  if (verified !== null && options.userLoader !== undefined) {
    user = (await options.userLoader(verified, socket)) ?? null;
    // As on HTTP: a valid token whose user is gone is not anonymity, optional namespace or not.
    if (user === null) throw auth.error('user_not_found', ErrorMessages.userNotFound);
  }
  const record: SocketAuthRecord<U> = { token: verified, user };
  setRecord(socket, record);
  return record;
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
