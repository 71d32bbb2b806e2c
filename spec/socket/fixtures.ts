import type { Server, Socket } from 'socket.io';
import { ErrorMessages, headerSentTwiceMessage } from '../../src/errors';
import { badHeaderMessage } from '../../src/transport/prefixed';
import { getSocketAuth, getSocketUser, pasetoSocketMiddleware, type PasetoSocketMiddlewareOptions } from '../../src/socket/middleware';
import type { Refusal } from './helpers';

/** The refusals of DESIGN §3, built from the same messages the HTTP adapter uses. */
export const Refused = {
  missing: { code: 'token_missing', status: 401, message: ErrorMessages.tokenMissing },
  badAuthHeader: { code: 'bad_header', status: 400, message: badHeaderMessage('header', 'Authorization', 'Bearer') },
  authHeaderTwice: { code: 'bad_header', status: 400, message: headerSentTwiceMessage('Authorization') },
  badAuthValue: { code: 'bad_header', status: 400, message: badHeaderMessage('auth', 'token', null) },
  badQuery: { code: 'bad_header', status: 400, message: badHeaderMessage('query', 'token', null) },
  format: { code: 'invalid_token', status: 401, message: ErrorMessages.invalidFormat },
  decrypt: { code: 'invalid_token', status: 401, message: ErrorMessages.decryptFailed },
  base64: { code: 'invalid_token', status: 401, message: ErrorMessages.invalidBase64 },
  version: { code: 'invalid_version', status: 401, message: 'Invalid PASETO version v3' },
  purpose: { code: 'invalid_purpose', status: 401, message: 'Invalid PASETO purpose public' },
  expired: { code: 'token_expired', status: 401, message: ErrorMessages.expired },
  notActive: { code: 'token_not_active', status: 401, message: ErrorMessages.notActive },
  issuerMissing: { code: 'invalid_issuer', status: 401, message: ErrorMessages.issuerMissing },
  issuerInvalid: { code: 'invalid_issuer', status: 401, message: ErrorMessages.issuerInvalid },
  audience: { code: 'invalid_audience', status: 401, message: ErrorMessages.audienceInvalid },
  revoked: { code: 'token_revoked', status: 401, message: ErrorMessages.revoked },
  accessNotRefresh: { code: 'wrong_token_type', status: 401, message: 'Access token required but refresh provided' },
  refreshNotAccess: { code: 'wrong_token_type', status: 401, message: 'Refresh token required but access provided' },
  notFresh: { code: 'fresh_token_required', status: 401, message: ErrorMessages.notFresh },
  role: { code: 'insufficient_role', status: 403, message: ErrorMessages.insufficientRole },
  freshAndRefresh: { code: 'invalid_argument', status: 400, message: ErrorMessages.freshAndRefresh },
  userNotFound: { code: 'user_not_found', status: 401, message: ErrorMessages.userNotFound },
  denylist: { code: 'denylist_unavailable', status: 503, message: ErrorMessages.denylistUnavailable },
  internal: { code: 'internal_error', status: 500, message: 'Internal server error' },
} satisfies Record<string, Refusal>;

/** What a connected socket reports about itself (event `whoami`). */
export interface Whoami {
  nsp: string;
  subject: string | number | null;
  type: string | null;
  fresh: boolean | null;
  footer: unknown;
  user: unknown;
}

/** Connections the server's `connection` handlers saw, per namespace. */
export type ConnectionLog = Array<{ nsp: string; subject: string | number | null }>;

/** Logs the connection and answers `whoami` from getSocketAuth / getSocketUser. */
export function track(socket: Socket, log: ConnectionLog): void {
  const verified = getSocketAuth(socket);
  log.push({ nsp: socket.nsp.name, subject: verified?.subject ?? null });
  socket.on('whoami', (ack: (w: Whoami) => void) => {
    const v = getSocketAuth(socket);
    ack({ nsp: socket.nsp.name, subject: v?.subject ?? null, type: v?.type ?? null, fresh: v?.fresh ?? null, footer: v?.footer ?? null, user: getSocketUser(socket) });
  });
}

/** `io.use(pasetoSocketMiddleware(options))` plus tracking on `/`. */
export function guardRoot(io: Server, options: PasetoSocketMiddlewareOptions, log: ConnectionLog): void {
  io.use(pasetoSocketMiddleware(options));
  io.on('connection', (socket) => track(socket, log));
}
