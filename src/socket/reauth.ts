import { ErrorMessages, isAuthPasetoError } from '../errors';
import type { PasetoAuthService } from '../service';
import type { VerifiedToken } from '../tokens/types';
import { readPrefixedToken } from '../transport/prefixed';
import type { LiveSessionTracker } from './live-session';
import { SOCKET_EVENT_REFUSED_EVENT, SOCKET_REAUTH_EVENT, type SocketEventRefusedData, type SocketReauthResult } from './names';
import { getRecord, setRecord, type LiveSocket, type PasetoSocketLike } from './record';

/** Re-authentication attempts a socket may make at once; then one more per {@link REAUTH_REFILL_MS}. */
export const REAUTH_BURST = 5;
/** A socket earns one re-authentication attempt back every this many milliseconds (12 a minute at most). */
export const REAUTH_REFILL_MS = 5_000;

/** Message of the refusal of a re-auth packet sent without an acknowledgement. */
export const SOCKET_REAUTH_ACK_REQUIRED_MESSAGE = 'Re-authentication needs an acknowledgement callback';

/** What a re-authentication asks of the new token: the namespace's requirement. */
export interface ReauthRequirement<U> {
  readonly fresh?: boolean;
  readonly refreshToken?: boolean;
  readonly type?: string;
  readonly roles?: readonly string[];
  readonly anyRole?: readonly string[];
  readonly base64Encoded?: boolean;
  readonly implicitAssertion?: string | Uint8Array;
  readonly userLoader?: (token: VerifiedToken, socket: PasetoSocketLike) => U | null | undefined | Promise<U | null | undefined>;
  readonly onError?: (error: unknown, socket: PasetoSocketLike) => void;
}

/** A token bucket on the service's clock: a flood is answered without a verification each. */
class AttemptBudget {
  private tokens = REAUTH_BURST;
  private at: number;

  constructor(private readonly now: () => number) {
    this.at = now();
  }

  take(): boolean {
    const now = this.now();
    const earned = Math.floor((now - this.at) / REAUTH_REFILL_MS);
    if (earned > 0) {
      this.tokens = Math.min(REAUTH_BURST, this.tokens + earned);
      this.at = this.tokens === REAUTH_BURST ? now : this.at + earned * REAUTH_REFILL_MS;
    }
    if (this.tokens === 0) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Answers {@link SOCKET_REAUTH_EVENT} on a connected socket: the new token is verified against the
 * namespace's requirement and must name the same subject; on success the socket's record, live
 * session (expiry, warning, revocation watch) and user move to it. Every packet with an
 * acknowledgement gets exactly one answer; attempts are rate limited per socket and run one at a
 * time, in order. A packet without an acknowledgement changes nothing and is answered with
 * {@link SOCKET_EVENT_REFUSED_EVENT} (`invalid_argument`): the client could not learn the outcome.
 */
export function answerReauth<U>(socket: LiveSocket, auth: PasetoAuthService, requirement: ReauthRequirement<U>, tracker: LiveSessionTracker | undefined): void {
  const clock = auth.clock;
  const budget = new AttemptBudget(() => clock.now());
  let queue: Promise<void> = Promise.resolve();
  socket.on(SOCKET_REAUTH_EVENT, (...args: unknown[]) => {
    const ack = args.length > 0 && typeof args[args.length - 1] === 'function' ? (args.pop() as (result: SocketReauthResult) => void) : undefined;
    if (ack === undefined) {
      const error = auth.error('invalid_argument', SOCKET_REAUTH_ACK_REQUIRED_MESSAGE);
      const data: SocketEventRefusedData = { event: SOCKET_REAUTH_EVENT, code: error.code, status: error.httpCode, message: error.message };
      socket.emit(SOCKET_EVENT_REFUSED_EVENT, data);
      return;
    }
    if (!budget.take()) {
      ack(failure(auth.error('rate_limited', ErrorMessages.rateLimited)));
      return;
    }
    const payload = args[0];
    queue = queue.then(() =>
      reauthenticate(socket, auth, requirement, tracker, payload).then(ack, (error: unknown) => ack(unexpected(error, socket, requirement))),
    );
  });
}

function failure(error: { code: string; httpCode: number; message: string }): SocketReauthResult {
  return { ok: false, code: error.code, status: error.httpCode, message: error.message };
}

/** A failure that is not an authentication failure (a throwing `userLoader`): generic to the client, reported to `onError`. */
function unexpected<U>(error: unknown, socket: PasetoSocketLike, requirement: ReauthRequirement<U>): SocketReauthResult {
  if (isAuthPasetoError(error)) return failure(error);
  try {
    requirement.onError?.(error, socket);
  } catch {
    // The application's logger failing must not leave the acknowledgement unanswered.
  }
  return { ok: false, code: 'internal_error', status: 500, message: 'Internal server error' };
}

async function reauthenticate<U>(
  socket: LiveSocket,
  auth: PasetoAuthService,
  requirement: ReauthRequirement<U>,
  tracker: LiveSessionTracker | undefined,
  payload: unknown,
): Promise<SocketReauthResult> {
  const value = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>).token : undefined;
  // As the handshake's `auth.token`: a bare token, or the `Bearer …` string of an HTTP client.
  const prefix = typeof value === 'string' && /^\s*bearer\s/i.test(value) ? 'Bearer' : null;
  const token = readPrefixedToken(value, prefix, 'auth', 'token', (code, message) => auth.error(code, message));
  // Never optional: an absent or undecodable token is a failure here, with its own code.
  const { fresh, refreshToken, type, base64Encoded, implicitAssertion } = requirement;
  const verified = await auth.authenticate(token, { fresh, refreshToken, type, base64Encoded, implicitAssertion });
  if (verified === null) throw auth.error('token_missing', ErrorMessages.tokenMissing);
  auth.checkRoles(verified, { all: requirement.roles, any: requirement.anyRole });
  const current = getRecord(socket)?.token ?? null;
  if (current === null || verified.subject !== current.subject) throw auth.error('subject_mismatch', ErrorMessages.subjectMismatch);
  const hold = tracker?.hold(socket, auth, verified);
  try {
    let user: U | null = null;
    if (requirement.userLoader !== undefined) {
      user = (await requirement.userLoader(verified, socket)) ?? null;
      if (user === null) throw auth.error('user_not_found', ErrorMessages.userNotFound);
    }
    if (hold?.revoked === true) throw auth.error('token_revoked', ErrorMessages.revoked);
    // The session ended while this ran (its old token was revoked or expired): nothing to move.
    if (!socket.connected || tracker?.hasEnded(socket) === true) throw auth.error('token_revoked', ErrorMessages.revoked);
    setRecord(socket, { token: verified, user });
    tracker?.replace(socket, verified);
  } finally {
    hold?.release();
  }
  return { ok: true, expiresAt: verified.expiresAt === null ? null : verified.expiresAt.toISOString() };
}
