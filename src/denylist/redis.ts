import { PasetoConfigError } from '../errors';
import type { DenylistStore, RevocableToken } from './store';

/**
 * The two Redis commands the denylist uses, in ioredis' call style (an ioredis `Redis` or
 * `Cluster` fits as is; wrap other clients in these two functions).
 */
export interface RedisDenylistClient {
  /** `SET key value` for a token that never expires. */
  set(key: string, value: string): Promise<unknown>;
  /** `SET key value PXAT <unix ms>`: Redis drops the key when the token expires. */
  set(key: string, value: string, mode: 'PXAT', unixMilliseconds: number): Promise<unknown>;
  /** `EXISTS key`: 1 when present. */
  exists(key: string): Promise<number>;
}

/** Options of {@link RedisDenylist}. */
export interface RedisDenylistOptions {
  /** A connected client; the store never opens or closes it. */
  client: RedisDenylistClient;
  /** Prefix of every key. Default `'paseto:denylist:'`. */
  prefix?: string;
  /**
   * Longest wait for one Redis command, in milliseconds; past it the command counts as failed
   * (verification fails closed with `denylist_unavailable`) whatever the client's own retry and
   * queue options. Default `500`.
   */
  commandTimeoutMs?: number;
}

/** Most a timer can wait in node (a longer delay fires at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A denylist shared by every process that reaches one Redis: each revoked `jti` is a key that
 * Redis itself expires when the token would have (`PXAT`), so the set never grows stale.
 * A Redis error, or no answer within `commandTimeoutMs`, rejects, and the service then fails
 * closed with `denylist_unavailable`. The client is kept in a private field, out of logs.
 */
export class RedisDenylist implements DenylistStore {
  readonly #client: RedisDenylistClient;
  readonly #prefix: string;
  /** Longest wait for one command, in milliseconds. */
  readonly commandTimeoutMs: number;

  constructor(options: RedisDenylistOptions) {
    if (typeof options?.client?.set !== 'function' || typeof options.client.exists !== 'function') {
      throw new TypeError('RedisDenylist needs a client with set() and exists(), such as an ioredis Redis instance');
    }
    this.#client = options.client;
    this.#prefix = options.prefix ?? 'paseto:denylist:';
    const timeout = options.commandTimeoutMs ?? 500;
    if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 1 || timeout > MAX_TIMER_MS) {
      throw new PasetoConfigError('commandTimeoutMs', `expected a whole number of milliseconds from 1 to ${MAX_TIMER_MS}`);
    }
    this.commandTimeoutMs = timeout;
  }

  async isRevoked(token: RevocableToken): Promise<boolean> {
    return (await this.#bounded(this.#client.exists(this.#prefix + token.jti))) === 1;
  }

  async revoke(jti: string, expiresAt: Date | null): Promise<void> {
    const key = this.#prefix + jti;
    await this.#bounded(expiresAt === null ? this.#client.set(key, '1') : this.#client.set(key, '1', 'PXAT', expiresAt.getTime()));
  }

  /**
   * The command's answer, or a rejection once `commandTimeoutMs` has passed: with ioredis'
   * defaults a command waits through its reconnection attempts (10 s and more) while Redis is
   * down, and every request would wait with it. A late answer is dropped.
   */
  #bounded<T>(command: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${this.commandTimeoutMs} ms`)), this.commandTimeoutMs);
      timer.unref();
    });
    // A command that fails after the bound must not surface as an unhandled rejection.
    command.catch(() => undefined);
    return Promise.race([command, expired]).finally(() => clearTimeout(timer));
  }
}
