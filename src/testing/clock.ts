import type { PasetoClock } from '../clock';

interface PendingTimer {
  readonly at: number;
  readonly order: number;
  readonly callback: () => void;
}

/**
 * A clock that moves only when told to: `advance(ms)` and `set(date)` move time and run, in
 * order, every callback scheduled up to the new time (callbacks scheduled meanwhile that fall due
 * run too). Give it to `new PasetoAuthService({ clock })`: token times, the verified-token cache,
 * the in-memory denylist and live-session timers then follow it, with no real waiting.
 */
export class TestClock implements PasetoClock {
  #now: number;
  #order = 0;
  #timers: PendingTimer[] = [];

  /** @param start - the initial time (default: the wall clock's now) */
  constructor(start: Date | number = Date.now()) {
    this.#now = typeof start === 'number' ? start : start.getTime();
    if (!Number.isFinite(this.#now)) throw new TypeError('TestClock needs a valid start time');
  }

  now(): number {
    return this.#now;
  }

  schedule(callback: () => void, delayMs: number): () => void {
    const timer: PendingTimer = { at: this.#now + Math.max(delayMs, 0), order: this.#order++, callback };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((pending) => pending !== timer);
    };
  }

  /** Moves time forward by `ms` (≥ 0), running what falls due on the way. */
  advance(ms: number): void {
    if (!(Number.isFinite(ms) && ms >= 0)) throw new TypeError('advance() takes a number of milliseconds ≥ 0');
    this.runUntil(this.#now + ms);
  }

  /** Moves time to `date` (never backwards), running what falls due on the way. */
  set(date: Date | number): void {
    const target = typeof date === 'number' ? date : date.getTime();
    if (!(Number.isFinite(target) && target >= this.#now)) throw new TypeError('set() takes a valid time, not earlier than now()');
    this.runUntil(target);
  }

  /** Callbacks scheduled and not yet run. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  private runUntil(target: number): void {
    for (;;) {
      const due = this.#timers.filter((timer) => timer.at <= target).sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (due === undefined) break;
      this.#timers = this.#timers.filter((timer) => timer !== due);
      this.#now = Math.max(this.#now, due.at);
      due.callback();
    }
    this.#now = target;
  }
}
