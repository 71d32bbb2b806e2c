import type { PasetoAuthService } from '../service';
import { guardEvents, type ResolvedEventRules } from './events';
import type { LiveSessionTracker } from './live-session';
import { answerReauth, type ReauthRequirement } from './reauth';
import { bindSocket, getRecord, isLiveSocket, type LiveSocket, type PasetoSocketLike } from './record';

/** A socket.io namespace, as far as we use it. */
interface LiveNamespace {
  prependListener(event: 'connection', listener: (socket: unknown) => void): unknown;
}

function isLiveNamespace(nsp: unknown): nsp is LiveNamespace {
  return typeof nsp === 'object' && nsp !== null && typeof (nsp as { prependListener?: unknown }).prependListener === 'function';
}

/** Sockets already set up by one of our middlewares. */
const setUp = new WeakSet<object>();

/** What a middleware sets up on each socket it lets in. */
export interface ConnectionSetup<U> {
  readonly requirement: ReauthRequirement<U>;
  readonly tracker: LiveSessionTracker | undefined;
  readonly events: ResolvedEventRules | undefined;
  /** The middleware's service, for sockets that connect without running it (recovered ones). */
  readonly service: () => PasetoAuthService;
  readonly onError: ((error: unknown, socket: PasetoSocketLike) => void) | undefined;
}

/**
 * The `connection` side of one middleware: a socket it accepted is set up when socket.io connects
 * it (a later middleware may still refuse it, and socket.io then drops it without a `disconnect`,
 * so nothing is armed before). Set up means: its live session started, re-authentication answered,
 * and its events guarded. A socket restored by connection-state recovery that skipped the
 * middlewares (socket.io's default `skipMiddlewares: true`) arrives here with its old record: it is
 * set up the same way, so its token is checked again at once and watched.
 */
export class ConnectionHook<U> {
  // Accepted but not yet connected (a weak map: a dropped socket leaves nothing behind).
  private readonly pending = new WeakMap<object, PasetoAuthService>();
  private readonly namespaces = new WeakSet<object>();

  constructor(private readonly setup: ConnectionSetup<U>) {}

  /**
   * Called when the middleware accepts `socket`. Objects that are not socket.io sockets in a
   * namespace (a hand-made handshake object) have nothing to set up.
   */
  accept(socket: PasetoSocketLike, auth: PasetoAuthService): void {
    const nsp = socket.nsp;
    if (!isLiveSocket(socket) || !isLiveNamespace(nsp)) return;
    this.pending.set(socket, auth);
    if (!this.namespaces.has(nsp)) {
      this.namespaces.add(nsp);
      // First, before the application's own handlers: its `socket.use` runs after our guard, and a
      // recovered socket whose session is over is ended before they see it.
      nsp.prependListener('connection', (connected) => this.connected(connected));
    }
  }

  private connected(candidate: unknown): void {
    if (typeof candidate !== 'object' || candidate === null || !isLiveSocket(candidate as PasetoSocketLike)) return;
    const socket = candidate as LiveSocket;
    let auth = this.pending.get(socket);
    this.pending.delete(socket);
    if (auth === undefined) {
      // Not accepted by this middleware now: only a recovered socket it accepted before has a record.
      if (socket.recovered !== true || getRecord(socket) === undefined) return;
      try {
        auth = this.setup.service();
      } catch (error) {
        this.report(error, socket);
        socket.disconnect();
        return;
      }
    }
    this.start(socket, auth);
  }

  private start(socket: LiveSocket, auth: PasetoAuthService): void {
    // Two of our middlewares on one namespace: the socket is set up once (one re-auth answer per packet).
    if (setUp.has(socket)) return;
    setUp.add(socket);
    const { tracker, events, requirement } = this.setup;
    bindSocket(socket, { auth, hasEnded: () => tracker?.hasEnded(socket) === true });
    answerReauth(socket, auth, requirement, tracker);
    if (events !== undefined) guardEvents(socket, auth, events, (target) => tracker?.hasEnded(target) === true);
    const token = getRecord(socket)?.token ?? null;
    if (token !== null) tracker?.start(socket, auth, token);
  }

  private report(error: unknown, socket: PasetoSocketLike): void {
    try {
      this.setup.onError?.(error, socket);
    } catch {
      // The application's logger failing must not break socket.io's connection event.
    }
  }
}
