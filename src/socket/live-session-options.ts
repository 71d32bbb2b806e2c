import { MAX_TIMER_DELAY_MS } from '../clock';
import { PasetoConfigError } from '../errors';

/**
 * Live-session rules of a socket middleware (option `liveSession`): what ends an accepted socket
 * before the client closes it. Each ended socket receives `paseto:session_ended`, then
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
  /**
   * Send `paseto:session_expiring` (`{ expiresAt }`) this many milliseconds before the session
   * would end at its token's expiry, so the client can re-authenticate in time
   * (`paseto:reauth`); re-armed for the new token after a re-authentication. A session
   * already that close to its end is warned when it starts. Default: no warning.
   */
  warnBeforeMs?: number;
}

/** The rules in force; `undefined` from {@link resolveLiveSession} means live sessions are off. */
export interface ResolvedLiveSession {
  readonly expiry: boolean;
  readonly revocation: boolean;
  readonly recheckIntervalMs: number | undefined;
  readonly warnBeforeMs: number | undefined;
}

/**
 * Fills in the defaults of option `liveSession` (`undefined`/`true`: expiry and revocation, no
 * rechecks; `false`: off).
 * @throws PasetoConfigError for an invalid `recheckIntervalMs`, or one given with `revocation: false`
 */
export function resolveLiveSession(option: boolean | SocketLiveSessionOptions | undefined): ResolvedLiveSession | undefined {
  if (option === false) return undefined;
  if (option !== undefined && option !== true) {
    for (const key of Object.keys(option)) {
      if (!LIVE_SESSION_KEYS.includes(key)) throw new PasetoConfigError(`liveSession.${key}`, `is not an option here (known: ${LIVE_SESSION_KEYS.join(', ')})`);
    }
  }
  const { expiry = true, revocation = true, recheckIntervalMs, warnBeforeMs } = option === true || option === undefined ? {} : option;
  for (const [field, value] of [['expiry', expiry], ['revocation', revocation]] as const) {
    if (typeof value !== 'boolean') throw new PasetoConfigError(`liveSession.${field}`, 'must be true or false');
  }
  checkDelay('recheckIntervalMs', recheckIntervalMs);
  if (recheckIntervalMs !== undefined && !revocation) {
    throw new PasetoConfigError('liveSession.recheckIntervalMs', 'rechecks revocation, so it cannot be combined with revocation: false');
  }
  checkDelay('warnBeforeMs', warnBeforeMs);
  if (warnBeforeMs !== undefined && !expiry) throw new PasetoConfigError('liveSession.warnBeforeMs', 'warns before the expiry ends a session, so it cannot be combined with expiry: false');
  if (!expiry && !revocation) return undefined;
  return { expiry, revocation, recheckIntervalMs, warnBeforeMs };
}

const LIVE_SESSION_KEYS: readonly string[] = ['expiry', 'revocation', 'recheckIntervalMs', 'warnBeforeMs'];

function checkDelay(field: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER_DELAY_MS) {
    throw new PasetoConfigError(`liveSession.${field}`, `must be a number of milliseconds between 1 and ${MAX_TIMER_DELAY_MS}`);
  }
}

