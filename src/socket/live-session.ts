import { scheduleOn } from '../clock';
import { ErrorMessages } from '../errors';
import type { PasetoAuthService } from '../service';
import type { VerifiedToken } from '../tokens/types';
import { SOCKET_EXPIRING_EVENT, SOCKET_SESSION_ENDED_EVENT, type SocketExpiringData, type SocketSessionEndCode, type SocketSessionEndedData } from './names';
import type { LiveSocket, PasetoSocketLike } from './record';
import type { Revocation } from '../denylist/store';

import type { ResolvedLiveSession } from './live-session-options';
export { SOCKET_SESSION_ENDED_EVENT, type SocketSessionEndCode, type SocketSessionEndedData } from './names';

export { resolveLiveSession, type ResolvedLiveSession, type SocketLiveSessionOptions } from './live-session-options';

/** A session of a connected socket (new or recovered), armed on the service's clock. */
interface Session {
  readonly kind: 'session';
  readonly socket: LiveSocket;
  readonly auth: PasetoAuthService;
  /** The token in force: replaced by a re-authentication. */
  token: VerifiedToken;
  /** Cancel the pending expiry check and warning of the token in force. */
  cancelTimers: Array<() => void>;
  ended: boolean;
}

/** A handshake (or a re-authentication) between its verification and the end of its own work (e.g. its `userLoader`). */
interface Held {
  readonly kind: 'held';
  readonly socket: PasetoSocketLike;
  readonly auth: PasetoAuthService;
  readonly token: VerifiedToken;
  revoked: boolean;
}

/** What revocation reaches by `jti`: live sessions, and handshakes still in the middleware. */
type Revocable = Session | Held;

/** A verified handshake's hold on its `jti`, from {@link LiveSessionTracker.hold}. */
export interface SocketHandshakeHold {
  /** True once the token was revoked (through this service, or found by a recheck) since the hold began. */
  readonly revoked: boolean;
  /** Lets go of the `jti`; idempotent. */
  release(): void;
}

/** The sessions of one service that revocation may end, by `jti`, with the service subscription and recheck loop. */
interface RevocationGroup {
  readonly auth: PasetoAuthService;
  readonly byJti: Map<string | null, Set<Revocable>>;
  readonly unsubscribe: () => void;
  /** Cancels the pending recheck pass. */
  cancelRecheck: (() => void) | undefined;
  closed: boolean;
}

/** The moment a token stops verifying on its service (`exp` plus `decodeLeeway`), in ms; `null` without `exp`. */
export function sessionDeadline(auth: PasetoAuthService, token: VerifiedToken): number | null {
  return token.expiresAt === null ? null : token.expiresAt.getTime() + auth.config.decodeLeeway * 1000;
}

/**
 * The live sessions of one middleware instance. Every piece of state is owned here and released
 * when a socket disconnects: no socket, timer or service subscription outlives its connection.
 */
export class LiveSessionTracker {
  private readonly sessions = new Set<Session>();
  private readonly bySocket = new WeakMap<object, Session>();
  private readonly groups = new Map<PasetoAuthService, RevocationGroup>();

  constructor(
    private readonly rules: ResolvedLiveSession,
    private readonly onError: ((error: unknown, socket: PasetoSocketLike) => void) | undefined,
  ) {}

  /** Connected sockets watched now. */
  get size(): number {
    return this.sessions.size;
  }

  /**
   * Called as soon as a token is verified for a socket (before the `userLoader`): while held, the
   * `jti` is in the revocation registry, so a revocation during the rest of the work is seen
   * (`hold.revoked`) and the caller refuses. Release it when done, accepted or not. `undefined`
   * when revocation is not watched for this token (rule off, or its type not in `denylistTokenChecks`).
   */
  hold(socket: PasetoSocketLike, auth: PasetoAuthService, token: VerifiedToken): SocketHandshakeHold | undefined {
    if (!this.rules.revocation || !auth.isRevocationChecked(token)) return undefined;
    const held: Held = { kind: 'held', socket, auth, token, revoked: false };
    this.register(held);
    return {
      get revoked() {
        return held.revoked;
      },
      release: () => this.unregister(held),
    };
  }

  /**
   * Starts the session of a socket socket.io has just connected: a new one the middleware accepted,
   * or one restored by connection-state recovery (which may skip every middleware). Either way its
   * token is checked again at once — past its expiry, or revoked meanwhile (one denylist query),
   * the session ends with {@link SOCKET_SESSION_ENDED_EVENT} — and watched from then on.
   */
  start(socket: LiveSocket, auth: PasetoAuthService, token: VerifiedToken): void {
    // An earlier `connection` handler may already have disconnected it: nothing to watch.
    if (!socket.connected || this.bySocket.has(socket)) return;
    const session: Session = { kind: 'session', socket, auth, token, cancelTimers: [], ended: false };
    this.sessions.add(session);
    this.bySocket.set(socket, session);
    socket.once('disconnect', () => this.release(session));
    this.arm(session);
    if (session.ended) return;
    if (this.rules.revocation && auth.isRevocationChecked(token)) {
      // From here on, revocations through the service end the session at once. One made before
      // (while a later middleware ran, or during a recovered socket's absence) is in the store: ask once.
      this.register(session);
      void this.confirm(session);
    }
  }

  /**
   * Moves a session to the token of a successful re-authentication: its expiry timer, warning and
   * revocation watch follow the new token. No-op for a socket without a session.
   */
  replace(socket: PasetoSocketLike, token: VerifiedToken): void {
    const session = this.bySocket.get(socket);
    if (session === undefined || session.ended) return;
    this.disarm(session);
    this.unregister(session);
    session.token = token;
    this.arm(session);
    if (!session.ended && this.rules.revocation && session.auth.isRevocationChecked(token)) this.register(session);
  }

  /** True when the socket's session is known to be over (ended, or its token revoked); for per-packet checks. */
  hasEnded(socket: PasetoSocketLike): boolean {
    return this.bySocket.get(socket)?.ended === true;
  }

  /** Arms the expiry check and the warning of the token in force; ends the session at once when its deadline is past. */
  private arm(session: Session): void {
    const deadline = sessionDeadline(session.auth, session.token);
    if (!this.rules.expiry || deadline === null) return;
    const clock = session.auth.clock;
    if (clock.now() > deadline) {
      this.end(session, 'token_expired');
      return;
    }
    this.armExpiry(session, deadline);
    const warnBeforeMs = this.rules.warnBeforeMs;
    if (warnBeforeMs !== undefined) {
      const token = session.token;
      const warn = (): void => {
        if (session.token === token) this.warn(session);
      };
      const delay = deadline - warnBeforeMs - clock.now();
      if (delay <= 0) warn();
      else session.cancelTimers.push(scheduleOn(clock, warn, delay));
    }
  }

  private disarm(session: Session): void {
    for (const cancel of session.cancelTimers.splice(0)) cancel();
  }

  /**
   * Verification fails once `now > deadline` on the service's clock; a real timer may fire early or
   * be capped, so it re-arms until then. Timers run on that clock, so a test clock drives them.
   */
  private armExpiry(session: Session, deadline: number): void {
    const clock = session.auth.clock;
    session.cancelTimers.push(
      scheduleOn(clock, () => {
        if (clock.now() > deadline) this.end(session, 'token_expired');
        else this.armExpiry(session, deadline);
      }, deadline - clock.now() + 1),
    );
  }

  private warn(session: Session): void {
    const expiresAt = session.token.expiresAt;
    if (session.ended || expiresAt === null) return;
    const data: SocketExpiringData = { expiresAt: expiresAt.toISOString() };
    try {
      session.socket.emit(SOCKET_EXPIRING_EVENT, data);
    } catch (error) {
      this.report(error, session.socket);
    }
  }

  /**
   * The one denylist query of a new or recovered session; never rejects. A failing store keeps the
   * socket (as a recheck would) and is reported: the handshake passed the store moments ago, and a
   * revocation through this process needs the store too.
   */
  private async confirm(session: Session): Promise<void> {
    const token = session.token;
    let revoked: boolean;
    try {
      revoked = await session.auth.isRevoked(token);
    } catch (error) {
      this.report(error, session.socket);
      return;
    }
    // A re-authentication meanwhile moved the session to a token checked by its own verification.
    if (revoked && session.token === token) this.end(session, 'token_revoked');
  }

  private register(entry: Revocable): void {
    let group = this.groups.get(entry.auth);
    if (group === undefined) {
      const byJti = new Map<string | null, Set<Revocable>>();
      group = {
        auth: entry.auth,
        byJti,
        unsubscribe: entry.auth.onRevocation((revocation) => this.revokeAll(revocation.kind === 'token' ? byJti.get(revocation.jti) : matching(byJti, revocation))),
        cancelRecheck: undefined,
        closed: false,
      };
      this.groups.set(entry.auth, group);
      this.scheduleRecheck(group);
    }
    const entries = group.byJti.get(entry.token.jti);
    if (entries === undefined) group.byJti.set(entry.token.jti, new Set([entry]));
    else entries.add(entry);
  }

  /** Ends the sessions of a revoked `jti`, session or subject, and marks its held handshakes (their middleware refuses them). */
  private revokeAll(entries: Set<Revocable> | undefined): void {
    for (const target of [...(entries ?? [])]) {
      if (target.kind === 'held') target.revoked = true;
      else this.end(target, 'token_revoked');
    }
  }

  private scheduleRecheck(group: RevocationGroup): void {
    const interval = this.rules.recheckIntervalMs;
    if (interval === undefined || group.closed) return;
    group.cancelRecheck = scheduleOn(group.auth.clock, () => {
      void this.recheck(group).then(() => this.scheduleRecheck(group));
    }, interval);
  }

  /** One pass over the distinct tokens of a group; never rejects. */
  private async recheck(group: RevocationGroup): Promise<void> {
    for (const jti of [...group.byJti.keys()]) {
      const first = group.byJti.get(jti)?.values().next().value;
      if (group.closed || first === undefined) continue;
      let revoked: boolean;
      try {
        revoked = await group.auth.isRevoked(first.token);
      } catch (error) {
        // The store is down: keep the sockets (they were authenticated, and dropping every
        // connection on a blip only makes them all reconnect into 503s), report once, retry next pass.
        this.report(error, first.socket);
        return;
      }
      if (revoked) this.revokeAll(group.byJti.get(jti));
    }
  }

  /** Tells the client why, then disconnects it from the namespace; never throws. */
  private end(session: Session, code: SocketSessionEndCode): void {
    // Already ended, or gone (a late answer to `confirm` for a socket that has left).
    if (session.ended || !this.sessions.has(session)) return;
    session.ended = true;
    this.release(session);
    const { socket } = session;
    const data: SocketSessionEndedData = {
      code,
      status: session.auth.config.statusCodes[code],
      message: code === 'token_expired' ? ErrorMessages.expired : ErrorMessages.revoked,
    };
    try {
      socket.emit(SOCKET_SESSION_ENDED_EVENT, data);
    } catch (error) {
      this.report(error, socket);
    }
    try {
      // This namespace only: other namespaces multiplexed on the connection have their own rules.
      // The `disconnect` handlers run inside; one that throws must not escape a timer callback.
      socket.disconnect();
    } catch (error) {
      this.report(error, socket);
    }
  }

  /** Forgets a session: its timers, its registry entry, and the group once it is empty. Idempotent. */
  private release(session: Session): void {
    this.disarm(session);
    if (this.sessions.delete(session)) this.unregister(session);
  }

  /** Removes an entry from the registry, and the group (subscription, rechecks) once it is empty. Idempotent. */
  private unregister(entry: Revocable): void {
    const group = this.groups.get(entry.auth);
    const entries = group?.byJti.get(entry.token.jti);
    if (group === undefined || entries === undefined || !entries.delete(entry)) return;
    if (entries.size > 0) return;
    group.byJti.delete(entry.token.jti);
    if (group.byJti.size > 0) return;
    group.closed = true;
    group.cancelRecheck?.();
    group.unsubscribe();
    this.groups.delete(entry.auth);
  }

  private report(error: unknown, socket: PasetoSocketLike): void {
    try {
      this.onError?.(error, socket);
    } catch {
      // The application's logger failing must not break a timer callback.
    }
  }
}

/** The entries a session or subject revocation reaches (rare: a scan of the group is fine). */
function matching(byJti: Map<string | null, Set<Revocable>>, revocation: Exclude<Revocation, { kind: 'token' }>): Set<Revocable> {
  const reached = new Set<Revocable>();
  for (const entries of byJti.values()) {
    for (const entry of entries) {
      const { sessionId, subject, issuedAtMs } = entry.token;
      const hit =
        revocation.kind === 'session'
          ? sessionId === revocation.sessionId
          : subject === revocation.subject && (issuedAtMs === null || issuedAtMs <= revocation.issuedUpToMs);
      if (hit) reached.add(entry);
    }
  }
  return reached;
}
