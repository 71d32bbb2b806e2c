import { MAX_TIMER_DELAY_MS, scheduleOn } from '../clock';
import { ErrorMessages, PasetoConfigError } from '../errors';
import type { PasetoAuthService } from '../service';
import type { VerifiedToken } from '../tokens/types';
import type { Revocation } from '../denylist/store';
import type { PasetoSocketLike } from './middleware';
import { serviceClock } from './service-clock';

/** The event a socket receives just before the server ends its session; its payload is {@link SocketSessionEndedData}. */
export const SOCKET_SESSION_ENDED_EVENT = 'paseto:session_ended';

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

/**
 * Live-session rules of a socket middleware (option `liveSession`): what ends an accepted socket
 * before the client closes it. Each ended socket receives {@link SOCKET_SESSION_ENDED_EVENT}, then
 * is disconnected from its namespace (the `disconnect` handlers, socket-controllers' `@OnDisconnect`
 * included, run as usual).
 */
export interface SocketLiveSessionOptions {
  /** End the socket when its token expires (`exp` plus the service's `decodeLeeway`). Default `true`. */
  expiry?: boolean;
  /**
   * End the socket when its token is revoked (if verification checks revocation for its type:
   * `denylistEnabled` and `denylistTokenChecks`). Revocations of its token, its session or its
   * subject end it at once: those of this process, and, with a store that reports them
   * (`RedisDenylist`), those of every process sharing the store (`auth.onRevocation`); with another
   * shared store, revocations by other processes are only found with `recheckIntervalMs`. A token revoked during the handshake never keeps a socket: revoked while
   * the middleware runs (its `userLoader`), it is refused with `token_revoked`; revoked later in
   * the handshake, the socket is ended when it connects (each new session asks the denylist once;
   * a failing store keeps the socket and is reported to `onError`). Default `true`.
   */
  revocation?: boolean;
  /**
   * Also ask the denylist, every this many milliseconds, whether the tokens of live sockets were
   * revoked elsewhere (a shared store such as Redis). Counted from the end of one pass to the start
   * of the next; one query per distinct token per pass. A failing store keeps the sockets and is
   * reported to `onError`; the next pass asks again. Default: no rechecks.
   */
  recheckIntervalMs?: number;
}

/** The rules in force; `undefined` from {@link resolveLiveSession} means live sessions are off. */
export interface ResolvedLiveSession {
  readonly expiry: boolean;
  readonly revocation: boolean;
  readonly recheckIntervalMs: number | undefined;
}

/**
 * Fills in the defaults of option `liveSession` (`undefined`/`true`: expiry and revocation, no
 * rechecks; `false`: off).
 * @throws PasetoConfigError for an invalid `recheckIntervalMs`, or one given with `revocation: false`
 */
export function resolveLiveSession(option: boolean | SocketLiveSessionOptions | undefined): ResolvedLiveSession | undefined {
  if (option === false) return undefined;
  const { expiry = true, revocation = true, recheckIntervalMs } = option === true || option === undefined ? {} : option;
  if (recheckIntervalMs !== undefined) {
    if (typeof recheckIntervalMs !== 'number' || !Number.isFinite(recheckIntervalMs) || recheckIntervalMs <= 0 || recheckIntervalMs > MAX_TIMER_DELAY_MS) {
      throw new PasetoConfigError('liveSession.recheckIntervalMs', `must be a number of milliseconds between 1 and ${MAX_TIMER_DELAY_MS}`);
    }
    if (!revocation) throw new PasetoConfigError('liveSession.recheckIntervalMs', 'rechecks revocation, so it cannot be combined with revocation: false');
  }
  if (!expiry && !revocation) return undefined;
  return { expiry, revocation, recheckIntervalMs };
}

/** What a live session needs of a socket beyond {@link PasetoSocketLike}; socket.io's `Socket` has it all. */
interface LiveSocket extends PasetoSocketLike {
  readonly connected: boolean;
  emit(event: string, data: SocketSessionEndedData): unknown;
  disconnect(): unknown;
  once(event: 'disconnect', listener: () => void): unknown;
}

/** A socket.io namespace, as far as we use it. */
interface LiveNamespace {
  on(event: 'connection', listener: (socket: unknown) => void): unknown;
}

function isLiveSocket(socket: PasetoSocketLike): socket is LiveSocket {
  const candidate = socket as Partial<Record<keyof LiveSocket, unknown>>;
  return typeof candidate.emit === 'function' && typeof candidate.disconnect === 'function' && typeof candidate.once === 'function';
}

function isLiveNamespace(nsp: unknown): nsp is LiveNamespace {
  return typeof nsp === 'object' && nsp !== null && typeof (nsp as { on?: unknown }).on === 'function';
}

/** A socket accepted by the middleware, armed once socket.io has connected it. */
interface Session {
  readonly kind: 'session';
  readonly socket: LiveSocket;
  readonly auth: PasetoAuthService;
  readonly token: VerifiedToken;
  /** Cancels the pending expiry check. */
  cancelTimer: (() => void) | undefined;
  ended: boolean;
}

/** A handshake between its verification and the end of the middleware's own work (e.g. its `userLoader`). */
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

/**
 * The live sessions of one middleware instance. Every piece of state is owned here and released
 * when a socket disconnects: no socket, timer or service subscription outlives its connection.
 */
export class LiveSessionTracker {
  // Accepted but not yet connected: a later middleware may still refuse the socket, and socket.io
  // then drops it without a `disconnect` event, so nothing is armed before `connection` (a weak
  // map: a dropped socket leaves nothing behind). A revocation in that window is caught by the
  // one denylist query of `confirm` when the session starts.
  private readonly pending = new WeakMap<object, { readonly socket: LiveSocket; readonly auth: PasetoAuthService; readonly token: VerifiedToken }>();
  private readonly namespaces = new WeakSet<object>();
  private readonly sessions = new Set<Session>();
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
   * Called as soon as the middleware has verified `token` (before its `userLoader`): while held,
   * the `jti` is in the revocation registry, so a revocation during the rest of the middleware's
   * work is seen (`hold.revoked`) and the middleware refuses the socket. Release it when the
   * middleware is done, accepted or not. `undefined` when revocation is not watched for this
   * token (rule off, or its type not in `denylistTokenChecks`).
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
   * Called when the middleware accepts `socket` with `token`; the session starts when socket.io
   * connects the socket. Objects that are not socket.io sockets (no `emit`/`disconnect`/`once`,
   * no namespace) cannot be ended and are not watched.
   */
  watch(socket: PasetoSocketLike, auth: PasetoAuthService, token: VerifiedToken): void {
    const nsp = socket.nsp;
    if (!isLiveSocket(socket) || !isLiveNamespace(nsp)) return;
    this.pending.set(socket, { socket, auth, token });
    if (!this.namespaces.has(nsp)) {
      this.namespaces.add(nsp);
      nsp.on('connection', (connected) => this.connected(connected));
    }
  }

  private connected(candidate: unknown): void {
    if (typeof candidate !== 'object' || candidate === null) return;
    const accepted = this.pending.get(candidate);
    if (accepted === undefined) return;
    this.pending.delete(candidate);
    // An earlier `connection` handler may already have disconnected it: nothing to watch.
    if (!accepted.socket.connected) return;
    const session: Session = { kind: 'session', ...accepted, cancelTimer: undefined, ended: false };
    this.sessions.add(session);
    accepted.socket.once('disconnect', () => this.release(session));
    const expiresAt = accepted.token.expiresAt;
    if (this.rules.expiry && expiresAt !== null) {
      this.armExpiry(session, expiresAt.getTime() + accepted.auth.config.decodeLeeway * 1000);
    }
    if (this.rules.revocation && accepted.auth.isRevocationChecked(accepted.token)) {
      // From here on, revocations through the service end the session at once. One revoked
      // between the middleware's verification and now (while a later middleware ran, or just
      // before the hold) is already in the store: ask once.
      this.register(session);
      void this.confirm(session);
    }
  }

  /**
   * The one denylist query of a new session; never rejects. A failing store keeps the socket (as a
   * recheck would) and is reported: the handshake passed the store moments ago, and a revocation
   * through this process needs the store too.
   */
  private async confirm(session: Session): Promise<void> {
    let revoked: boolean;
    try {
      revoked = await session.auth.isRevoked(session.token);
    } catch (error) {
      this.report(error, session.socket);
      return;
    }
    if (revoked) this.end(session, 'token_revoked');
  }

  /**
   * Verification fails once `now > deadline` on the service's clock; a real timer may fire early or
   * be capped, so it re-arms until then. Timers run on that clock, so a test clock drives them.
   */
  private armExpiry(session: Session, deadline: number): void {
    const clock = serviceClock(session.auth);
    session.cancelTimer = scheduleOn(clock, () => {
      if (clock.now() > deadline) this.end(session, 'token_expired');
      else this.armExpiry(session, deadline);
    }, deadline - clock.now() + 1);
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
    group.cancelRecheck = scheduleOn(serviceClock(group.auth), () => {
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

  /** Forgets a session: its timer, its registry entry, and the group once it is empty. Idempotent. */
  private release(session: Session): void {
    session.cancelTimer?.();
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
