/**
 * The service's time source, in milliseconds since the epoch. Token times (`iat`, `nbf`, `exp`),
 * their checks, the verified-token cache, the in-memory denylist and live-session timers all read
 * it, so a test clock (see `paseto-controllers/testing`) moves every one of them at once.
 */
export interface PasetoClock {
  /** The current time, in milliseconds since the epoch. */
  now(): number;
  /**
   * Runs `callback` once, `delayMs` of this clock's time from now; returns a function that cancels
   * it. Optional: without it, real timers are used and their deadlines checked against {@link now}.
   */
  schedule?(callback: () => void, delayMs: number): () => void;
}

/** The wall clock. */
export const systemClock: PasetoClock = Object.freeze({ now: () => Date.now() });

/** setTimeout's largest delay (2^31-1 ms, ~24.8 days); longer waits are re-armed by the caller. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Schedules `callback` on `clock`: its own scheduler when it has one, else an unref'd real timer
 * (a pending deadline must not keep the process alive). Real timers may fire early or be capped at
 * {@link MAX_TIMER_DELAY_MS}: callers re-check `clock.now()` against their deadline.
 */
export function scheduleOn(clock: PasetoClock, callback: () => void, delayMs: number): () => void {
  const delay = Math.min(Math.max(delayMs, 0), MAX_TIMER_DELAY_MS);
  if (clock.schedule !== undefined) return clock.schedule(callback, delay);
  const timer = setTimeout(callback, delay);
  timer.unref();
  return () => clearTimeout(timer);
}

/** True for a value that can serve as a {@link PasetoClock}. */
export function isClock(value: unknown): value is PasetoClock {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { now?: unknown; schedule?: unknown };
  return typeof candidate.now === 'function' && (candidate.schedule === undefined || typeof candidate.schedule === 'function');
}
