/**
 * The events the server and the client exchange about a socket's session, and their payloads.
 * Dependency-free on purpose: the browser helper (`paseto-controllers/socket-client`) imports it.
 */

/** The event a socket receives just before the server ends its session; its payload is {@link SocketSessionEndedData}. */
export const SOCKET_SESSION_ENDED_EVENT = 'paseto:session_ended';

/** The client emits it with `{ token }` and an acknowledgement to re-authenticate without reconnecting; answered with a {@link SocketReauthResult}. */
export const SOCKET_REAUTH_EVENT = 'paseto:reauth';

/** Sent `liveSession.warnBeforeMs` before the session would end; its payload is {@link SocketExpiringData}. */
export const SOCKET_EXPIRING_EVENT = 'paseto:session_expiring';

/** Sent when an event was refused and the client gave no acknowledgement; its payload is {@link SocketEventRefusedData}. */
export const SOCKET_EVENT_REFUSED_EVENT = 'paseto:event_refused';

/** Why a live session ended: the same codes HTTP answers for such a token. */
export type SocketSessionEndCode = 'token_expired' | 'token_revoked';

/** Payload of {@link SOCKET_SESSION_ENDED_EVENT}: the code, status and message HTTP would give for the token now. */
export interface SocketSessionEndedData {
  /** `token_expired` or `token_revoked`. */
  readonly code: SocketSessionEndCode;
  /** The HTTP status of that code (after the service's `statusCodes` overrides). */
  readonly status: number;
  /** The exact HTTP message (`Token expired.`, `Token has been revoked`). */
  readonly message: string;
}

/** Payload of {@link SOCKET_EXPIRING_EVENT}. */
export interface SocketExpiringData {
  /** The token's `exp` as an ISO 8601 string. */
  readonly expiresAt: string;
}

/** A refusal as the client reads it: the code, status and message HTTP would give. */
export interface SocketRefusal {
  readonly code: string;
  readonly status: number;
  readonly message: string;
}

/** The acknowledgement of a {@link SOCKET_REAUTH_EVENT}. */
export type SocketReauthResult =
  | {
      readonly ok: true;
      /** The new token's `exp` as an ISO 8601 string; `null` for a token without `exp`. */
      readonly expiresAt: string | null;
    }
  | ({ readonly ok: false } & SocketRefusal);

/** Payload of {@link SOCKET_EVENT_REFUSED_EVENT}: the refused event's name and why. */
export interface SocketEventRefusedData extends SocketRefusal {
  readonly event: string;
}

/** What the acknowledgement of a refused event receives. */
export interface SocketEventRefusedAck {
  readonly error: SocketRefusal;
}
