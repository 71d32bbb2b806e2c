/** What a denylist store needs to know of a verified token. */
export interface RevocableToken {
  /** The token's `jti`. */
  readonly jti: string;
  /** The token's type claim (`access`, `refresh` or a custom type). */
  readonly type: string;
  /** When the token expires (`exp`), or `null` for a token without `exp`. */
  readonly expiresAt: Date | null;
  /** Every claim of the token, for stores that key on more than `jti`. */
  readonly claims: Readonly<Record<string, unknown>>;
}

/**
 * Where revoked token ids live. Either method may be sync or async; a method that throws or
 * rejects makes verification fail closed with `denylist_unavailable` (503).
 */
export interface DenylistStore {
  /** True when the token has been revoked. */
  isRevoked(token: RevocableToken): boolean | Promise<boolean>;
  /**
   * Revoke a token id until `expiresAt`; after that the token fails on `exp` anyway, so the
   * entry may be dropped. `null` means the token never expires: keep the entry.
   */
  revoke(jti: string, expiresAt: Date | null): void | Promise<void>;
}

/** fastapi-paseto's `token_in_denylist_loader`: true when the token is revoked; sync or async. */
export type TokenInDenylistLoader = (token: RevocableToken) => boolean | Promise<boolean>;
