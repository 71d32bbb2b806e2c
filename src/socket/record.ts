import type { PasetoAuthService } from '../service';
import type { VerifiedToken } from '../tokens/types';
import type { SocketHandshakeLike } from '../transport/socket';

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

/**
 * What a live session and the per-socket handlers need of a connected socket beyond
 * {@link PasetoSocketLike}; socket.io's `Socket` has it all.
 */
export interface LiveSocket extends PasetoSocketLike {
  readonly connected: boolean;
  /** True for a socket restored by socket.io's connection-state recovery. */
  readonly recovered?: boolean;
  emit(event: string, ...args: unknown[]): unknown;
  disconnect(): unknown;
  once(event: 'disconnect', listener: () => void): unknown;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  use(fn: (packet: unknown[], next: (err?: Error) => void) => void): unknown;
}

/** True for an object that can carry a live session (a socket.io socket, not a hand-made handshake object). */
export function isLiveSocket(socket: PasetoSocketLike): socket is LiveSocket {
  const candidate = socket as Partial<Record<keyof LiveSocket, unknown>>;
  return ['emit', 'disconnect', 'once', 'on', 'use'].every((method) => typeof candidate[method as keyof LiveSocket] === 'function');
}

/** What per-event checks need of a connected socket's middleware: its service and whether its session is over. */
export interface SocketBinding {
  readonly auth: PasetoAuthService;
  hasEnded(): boolean;
}

const bindings = new WeakMap<object, SocketBinding>();

/** Binds a connected socket to the middleware that let it in (set when socket.io connects it). */
export function bindSocket(socket: object, binding: SocketBinding): void {
  bindings.set(socket, binding);
}

/** The binding of a socket, or `undefined` when no PASETO middleware let it in. */
export function bindingOf(socket: object): SocketBinding | undefined {
  return bindings.get(socket);
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

function dataBag(socket: PasetoSocketLike): Record<string, unknown> {
  if (typeof socket.data !== 'object' || socket.data === null) socket.data = {};
  return socket.data as Record<string, unknown>;
}

export function setRecord<U>(socket: PasetoSocketLike, record: SocketAuthRecord<U>): void {
  dataBag(socket)[SOCKET_AUTH_DATA_KEY] = Object.freeze(record);
}

export function clearRecord(socket: PasetoSocketLike): void {
  if (typeof socket.data === 'object' && socket.data !== null) {
    delete (socket.data as Record<string, unknown>)[SOCKET_AUTH_DATA_KEY];
  }
}

export function getRecord(socket: Pick<PasetoSocketLike, 'data'>): SocketAuthRecord | undefined {
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
