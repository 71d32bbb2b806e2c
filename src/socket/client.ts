/**
 * The client side of in-band re-authentication, for browsers and Node clients. It imports nothing
 * but the event names (no socket.io, no server code): `import { keepSocketAuthenticated } from
 * 'paseto-controllers/socket-client'`.
 */
import { SOCKET_EXPIRING_EVENT, SOCKET_REAUTH_EVENT, type SocketReauthResult } from './names';

export { SOCKET_EVENT_REFUSED_EVENT, SOCKET_EXPIRING_EVENT, SOCKET_REAUTH_EVENT, SOCKET_SESSION_ENDED_EVENT } from './names';
export type { SocketEventRefusedAck, SocketEventRefusedData, SocketExpiringData, SocketReauthResult, SocketRefusal, SocketSessionEndedData } from './names';

/** The parts of a socket.io-client `Socket` the helper uses. */
export interface ReauthenticatingSocket {
  on(event: string, listener: () => void): unknown;
  off(event: string, listener: () => void): unknown;
  emit(event: string, payload: { token: string }, ack: (result: SocketReauthResult) => void): unknown;
  /** socket.io-client's handshake payload, sent on every (re)connection. */
  auth?: unknown;
}

/** Options of {@link keepSocketAuthenticated}. */
export interface KeepSocketAuthenticatedOptions {
  /** Told of every answer of the server (`{ ok: false, ... }` included). */
  onResult?(result: SocketReauthResult): void;
  /** Told when `getToken` throws or rejects (e.g. the refresh failed). */
  onError?(error: unknown): void;
}

/**
 * Re-authenticates `socket` whenever the server warns that its session is about to end
 * (`paseto:session_expiring`, sent with the middleware's `liveSession.warnBeforeMs`): it asks
 * `getToken()` for a fresh access token (e.g. by rotating the refresh token) and sends it with
 * `paseto:reauth`. On success the socket keeps its id, rooms and state, and `socket.auth.token`
 * is updated so a later reconnection presents the new token.
 * @returns a function that stops it
 */
export function keepSocketAuthenticated(
  socket: ReauthenticatingSocket,
  getToken: () => string | Promise<string>,
  options: KeepSocketAuthenticatedOptions = {},
): () => void {
  const onExpiring = (): void => {
    Promise.resolve()
      .then(getToken)
      .then(
        (token) =>
          socket.emit(SOCKET_REAUTH_EVENT, { token }, (result) => {
            if (result.ok && typeof socket.auth === 'object' && socket.auth !== null) socket.auth = { ...socket.auth, token };
            options.onResult?.(result);
          }),
        (error: unknown) => options.onError?.(error),
      );
  };
  socket.on(SOCKET_EXPIRING_EVENT, onExpiring);
  return () => socket.off(SOCKET_EXPIRING_EVENT, onExpiring);
}
