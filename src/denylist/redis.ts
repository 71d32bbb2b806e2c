import { MAX_TIMER_DELAY_MS, systemClock } from '../clock';
import { PasetoConfigError } from '../errors';
import { RevocationSet, publicRevocation, timedRevocation, untilOf, type TimedRevocation } from './revocation-set';
import { KINDS, REVOKE_SCRIPT, RedisDenylistError, SNAPSHOT_SCRIPT, SPEND_SCRIPT, parseSnapshot, parseWire, type WireRevocation } from './redis-wire';

export { RedisDenylistError } from './redis-wire';
import type { Revocation, RevocableToken, SessionDenylistStore } from './store';

/**
 * The Redis connection the store writes with, in ioredis' call style: an ioredis `Redis` fits as
 * is. `status` (ioredis) lets the store refuse a command at once while disconnected instead of
 * leaving it in an offline queue.
 */
export interface RedisDenylistClient {
  readonly status?: string;
  /** Sends one command (`EVAL` only) and resolves with its reply. */
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
  /** A second connection like this one, for the subscription (ioredis `duplicate()`). */
  duplicate(): RedisDenylistSubscriber;
}

/** The subscribing connection made by {@link RedisDenylistClient.duplicate} (an ioredis `Redis`). */
export interface RedisDenylistSubscriber {
  readonly status?: string;
  /** Called when `status` is `'wait'` (a `lazyConnect` client). */
  connect?(): Promise<unknown>;
  subscribe(channel: string): Promise<unknown>;
  ping(): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'ready' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  disconnect(): void;
}

/** Options of {@link RedisDenylist}. */
export interface RedisDenylistOptions {
  /** A client for the store's own commands; the store never closes it (it closes its duplicate). */
  client: RedisDenylistClient;
  /** Prefix of every key and of the channel. Default `'paseto:denylist:'`. */
  prefix?: string;
  /**
   * How long the local mirror is trusted once the subscription is lost (or Redis stops answering
   * its heartbeat), in milliseconds; after that `isRevoked` throws until it has resynchronised.
   * Default 2000.
   */
  maxStalenessMs?: number;
  /** Longest wait for one Redis command, in milliseconds; a slower command rejects. Default 500. */
  commandTimeoutMs?: number;
  /** Clock in milliseconds for expiry and staleness (the service's clock, or a test clock). Default: the system clock. */
  clock?: { now(): number };
}

/**
 * A denylist shared by every process that reaches one Redis, read from a local mirror.
 *
 * Each process keeps a mirror of the live revocations (token ids, session ids, subject cut-offs):
 * loaded from Redis when the store starts and after every reconnection, and kept current by a
 * subscription on `client.duplicate()`. `isRevoked` reads the mirror only, synchronously: no Redis
 * round trip on the request path. A revocation is stored in Redis (a sorted set per kind, scored by
 * the moment it stops mattering, cleaned as it passes) and published in one script; the writing
 * process applies it to its own mirror at once, the others when the message arrives.
 *
 * Faults fail closed without needing a restart:
 * - until the first load (see {@link ready}) `isRevoked` throws and writes reject;
 * - every command is bounded by `commandTimeoutMs`, and none is sent while the client is not
 *   connected (nothing waits in an offline queue);
 * - when the subscription drops or stops answering its heartbeat, the mirror is trusted for
 *   `maxStalenessMs`, then `isRevoked` throws until the store has resubscribed and reloaded;
 * - a revocation or spend that rejects never takes effect later: its script carries a deadline in
 *   Redis' clock, and a script that runs after it (a command resent on reconnection, say) does nothing.
 *
 * Revocations outlive a Redis restart only when Redis persists them (append-only file).
 */
export class RedisDenylist implements SessionDenylistStore {
  readonly #client: RedisDenylistClient;
  readonly #subscriber: RedisDenylistSubscriber;
  readonly #keys: Record<(typeof KINDS)[number], string>;
  readonly #prefix: string;
  readonly #channel: string;
  readonly #maxStalenessMs: number;
  readonly #commandTimeoutMs: number;
  readonly #clock: { now(): number };
  readonly #mirror = new RevocationSet();
  readonly #listeners = new Set<(revocation: Revocation) => void>();
  readonly #heartbeat: NodeJS.Timeout;
  readonly #ready: Promise<void>;
  #resolveReady!: () => void;
  #rejectReady!: (error: Error) => void;
  #loaded = false;
  #closed = false;
  /** Clock time since which revocations may have been missed; `null` while the subscription is current. */
  #lostAt: number | null = null;
  /** Clock time the subscription was last known to be working. */
  #confirmedAt = 0;
  /** Bumped on every lost connection, so a resync or ping that began before it does not vouch for after it. */
  #epoch = 0;
  #syncing = false;
  #pinging = false;
  /** Redis' clock minus ours (real time), measured at each load, for write deadlines. */
  #redisClockOffsetMs = 0;

  constructor(options: RedisDenylistOptions) {
    const { client } = options ?? {};
    if (typeof client?.call !== 'function' || typeof client.duplicate !== 'function') {
      throw new PasetoConfigError('RedisDenylist.client', 'expected a Redis client with call() and duplicate(), such as an ioredis Redis instance');
    }
    this.#maxStalenessMs = positiveInteger(options.maxStalenessMs ?? 2000, 'maxStalenessMs');
    this.#commandTimeoutMs = positiveInteger(options.commandTimeoutMs ?? 500, 'commandTimeoutMs');
    this.#prefix = options.prefix ?? 'paseto:denylist:';
    if (typeof this.#prefix !== 'string') throw new PasetoConfigError('RedisDenylist.prefix', 'expected a string');
    this.#clock = options.clock ?? systemClock;
    this.#client = client;
    this.#keys = { token: `${this.#prefix}tokens`, session: `${this.#prefix}sessions`, subject: `${this.#prefix}subjects` };
    this.#channel = `${this.#prefix}revocations`;
    this.#ready = new Promise<void>((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    this.#ready.catch(() => undefined); // close() before the first load must not be an unhandled rejection

    this.#subscriber = client.duplicate();
    this.#subscriber.on('error', () => undefined); // the 'close' that follows is what matters
    this.#subscriber.on('close', () => this.#lose(this.#clock.now()));
    this.#subscriber.on('ready', () => this.#resync());
    this.#subscriber.on('message', (channel, message) => {
      if (channel === this.#channel) this.#receive(message);
    });
    if (this.#subscriber.status === 'wait') this.#subscriber.connect?.().catch(() => undefined);
    else if (this.#subscriber.status === undefined || this.#subscriber.status === 'ready') this.#resync();
    // A quarter of the staleness budget: a silent Redis is noticed well before the mirror goes stale.
    this.#heartbeat = setInterval(() => this.#tick(), Math.max(1, Math.floor(this.#maxStalenessMs / 4)));
    this.#heartbeat.unref();
  }

  /**
   * Resolves once the mirror has first been loaded from Redis (until then checks throw and writes
   * reject); it waits through Redis being unreachable. Rejects if the store is closed first.
   */
  ready(): Promise<void> {
    return this.#ready;
  }

  /**
   * True when the token, its session or its subject (up to its `iat`) is revoked, from the mirror.
   * @throws RedisDenylistError before the first load, after `close()`, and when the mirror has been
   *   out of touch with Redis for more than `maxStalenessMs`
   */
  isRevoked(token: RevocableToken): boolean {
    const now = this.#clock.now();
    if (this.#closed) throw new RedisDenylistError('The Redis denylist is closed');
    if (!this.#loaded) throw new RedisDenylistError('The Redis denylist has not loaded its revocations yet');
    if (this.#lostAt !== null && now - this.#lostAt > this.#maxStalenessMs) {
      throw new RedisDenylistError(`The Redis denylist has been out of touch with Redis for more than ${this.#maxStalenessMs} ms`);
    }
    return this.#mirror.isRevoked(token, now);
  }

  revoke(jti: string, expiresAt: Date | null): Promise<void> {
    return this.#write(() => timedRevocation({ kind: 'token', jti }, expiresAt));
  }

  revokeSession(sessionId: string, expiresAt: Date | null): Promise<void> {
    return this.#write(() => timedRevocation({ kind: 'session', sessionId }, expiresAt));
  }

  revokeSubject(subject: string | number, issuedUpToMs: number, expiresAt: Date | null): Promise<void> {
    return this.#write(() => timedRevocation({ kind: 'subject', subject, issuedUpToMs }, expiresAt));
  }

  /** `SET NX PXAT` in Redis: true for the first spend of `jti` in any process. */
  async spend(jti: string, expiresAt: Date | null): Promise<boolean> {
    if (typeof jti !== 'string' || jti === '') throw new TypeError('jti must be a non-empty string');
    const until = untilOf(expiresAt);
    const args = [this.#deadline(), until === Number.POSITIVE_INFINITY ? '+inf' : String(until), String(until + 1)];
    const reply = await this.#command('EVAL', SPEND_SCRIPT, 1, `${this.#prefix}spent:${jti}`, ...args);
    if (reply === -1) throw new RedisDenylistError('Redis ran the spend after its deadline; it was not applied');
    if (reply !== 0 && reply !== 1) throw new RedisDenylistError('Redis gave an unexpected answer to a spend');
    return reply === 1;
  }

  onRevocation(listener: (revocation: Revocation) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops the heartbeat, ends the subscription and its connection; checks throw from now on. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    this.#listeners.clear();
    this.#rejectReady(new RedisDenylistError('The Redis denylist was closed before it loaded'));
    this.#subscriber.disconnect();
  }

  async #write(build: () => TimedRevocation): Promise<void> {
    const revocation = build();
    const member = revocation.kind === 'subject' ? JSON.stringify([revocation.id, revocation.issuedUpToMs]) : revocation.id;
    const until = revocation.until === Number.POSITIVE_INFINITY ? '+inf' : String(revocation.until);
    const wire: WireRevocation = { kind: revocation.kind, id: revocation.id, until: revocation.until === Number.POSITIVE_INFINITY ? null : revocation.until };
    if (revocation.kind === 'subject') wire.issuedUpToMs = revocation.issuedUpToMs;
    const reply = await this.#command('EVAL', REVOKE_SCRIPT, 1, this.#keys[revocation.kind], this.#deadline(), member, until, this.#channel, JSON.stringify(wire));
    if (reply === 0) throw new RedisDenylistError('Redis ran the revocation after its deadline; it was not applied');
    if (reply !== 1) throw new RedisDenylistError('Redis gave an unexpected answer to a revocation');
    this.#apply(revocation);
  }

  /**
   * The latest moment, in Redis' clock, a write may still run: half the command budget, so that a
   * write that ran has the other half to answer before the caller is told it failed.
   */
  #deadline(): string {
    if (this.#closed) throw new RedisDenylistError('The Redis denylist is closed');
    if (!this.#loaded) throw new RedisDenylistError('The Redis denylist has not loaded its revocations yet');
    return String(Math.floor(Date.now() + this.#redisClockOffsetMs + this.#commandTimeoutMs / 2));
  }

  /** One command, refused at once while disconnected and bounded by `commandTimeoutMs`. */
  #command(command: string, ...args: (string | number)[]): Promise<unknown> {
    const { status } = this.#client;
    if (status !== undefined && status !== 'ready') {
      return Promise.reject(new RedisDenylistError(`Redis is not connected (${status})`));
    }
    return withTimeout(Promise.resolve().then(() => this.#client.call(command, ...args)), this.#commandTimeoutMs, command);
  }

  #lose(at: number): void {
    this.#epoch += 1;
    if (this.#lostAt === null) this.#lostAt = at;
  }

  #tick(): void {
    this.#mirror.sweep(this.#clock.now());
    if (this.#lostAt !== null || !this.#loaded) return this.#resync();
    if (this.#pinging) return;
    this.#pinging = true;
    const epoch = this.#epoch;
    const sentAt = this.#clock.now();
    withTimeout(this.#subscriber.ping(), this.#commandTimeoutMs, 'PING')
      .then(
        () => {
          if (epoch === this.#epoch) this.#confirmedAt = sentAt;
        },
        () => {
          if (epoch === this.#epoch) this.#lose(this.#confirmedAt);
        },
      )
      .finally(() => (this.#pinging = false));
  }

  /** Subscribes (again), then loads the snapshot: nothing published meanwhile is missed. */
  #resync(): void {
    const { status } = this.#subscriber;
    if (this.#syncing || this.#closed || (status !== undefined && status !== 'ready')) return;
    this.#syncing = true;
    const epoch = this.#epoch;
    this.#load()
      .then(() => {
        if (epoch !== this.#epoch || this.#closed) return;
        this.#loaded = true;
        this.#lostAt = null;
        this.#confirmedAt = this.#clock.now();
        this.#resolveReady();
      })
      .catch(() => undefined) // still stale: the next heartbeat tries again
      .finally(() => (this.#syncing = false));
  }

  async #load(): Promise<void> {
    await withTimeout(this.#subscriber.subscribe(this.#channel), this.#commandTimeoutMs, 'SUBSCRIBE');
    const sentAt = Date.now();
    const reply = await this.#command('EVAL', SNAPSHOT_SCRIPT, KINDS.length, ...KINDS.map((kind) => this.#keys[kind]));
    const receivedAt = Date.now();
    const snapshot = parseSnapshot(reply);
    this.#redisClockOffsetMs = snapshot.redisNow - (sentAt + receivedAt) / 2;
    for (const revocation of snapshot.revocations) this.#apply(revocation);
  }

  #receive(message: string): void {
    const revocation = parseWire(message);
    if (revocation !== undefined) this.#apply(revocation);
  }

  #apply(revocation: TimedRevocation): void {
    if (!this.#mirror.add(revocation, this.#clock.now())) return;
    const event = publicRevocation(revocation);
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // The revocation has happened; a failing listener must not undo or hide that.
      }
    }
  }
}

function positiveInteger(value: number, name: string): number {
  // A timer cannot wait longer than MAX_TIMER_DELAY_MS: node would fire a longer one after 1 ms.
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_TIMER_DELAY_MS) {
    throw new PasetoConfigError(`RedisDenylist.${name}`, `expected a whole number of milliseconds from 1 to ${MAX_TIMER_DELAY_MS}`);
  }
  return value;
}

/** Rejects when `promise` has not settled within `ms`; a late answer is ignored. */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new RedisDenylistError(`Redis did not answer ${what} within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new RedisDenylistError(String(error)));
      },
    );
  });
}
