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
}

/**
 * A denylist shared by every process that reaches one Redis: each revoked `jti` is a key that
 * Redis itself expires when the token would have (`PXAT`), so the set never grows stale.
 * A Redis error rejects, and the service then fails closed with `denylist_unavailable`.
 */
export class RedisDenylist implements DenylistStore {
  readonly #client: RedisDenylistClient;
  readonly #prefix: string;

  constructor(options: RedisDenylistOptions) {
    if (typeof options?.client?.set !== 'function' || typeof options.client.exists !== 'function') {
      throw new TypeError('RedisDenylist needs a client with set() and exists(), such as an ioredis Redis instance');
    }
    this.#client = options.client;
    this.#prefix = options.prefix ?? 'paseto:denylist:';
  }

  async isRevoked(token: RevocableToken): Promise<boolean> {
    return (await this.#client.exists(this.#prefix + token.jti)) === 1;
  }

  async revoke(jti: string, expiresAt: Date | null): Promise<void> {
    const key = this.#prefix + jti;
    if (expiresAt === null) await this.#client.set(key, '1');
    else await this.#client.set(key, '1', 'PXAT', expiresAt.getTime());
  }
}
