/** What a denylist store needs to know of a verified token. */
export interface RevocableToken {
  /** The token's `jti`; `null` for a token without one (no revocation by id applies to it). */
  readonly jti: string | null;
  /** The token's type claim (`access`, `refresh` or a custom type). */
  readonly type: string;
  /** When the token expires (`exp`), or `null` for a token without `exp`. */
  readonly expiresAt: Date | null;
  /** Every claim of the token, for stores that key on more than `jti`. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** The session the token belongs to (`sid`), `null` for none. Read from `claims.sid` when absent. */
  readonly sessionId?: string | null;
  /** The token's subject (`sub`). Read from `claims.sub` when absent. */
  readonly subject?: string | number;
  /**
   * When the token was issued (`iat`), in milliseconds; `null` when unknown (such a token is
   * refused by any revocation of its subject). Read from `claims.iat` when absent.
   */
  readonly issuedAtMs?: number | null;
}

/**
 * One revocation as the feed of {@link SessionDenylistStore.onRevocation} reports it: a token id,
 * a session id, or a subject's tokens issued up to `issuedUpToMs` (inclusive).
 */
export type Revocation =
  | { readonly kind: 'token'; readonly jti: string }
  | { readonly kind: 'session'; readonly sessionId: string }
  | { readonly kind: 'subject'; readonly subject: string | number; readonly issuedUpToMs: number };

/**
 * Where revocations live. Each method may be sync or async. A method that throws or rejects, or
 * answers anything but a boolean where a boolean is due, is a broken store: verification then
 * fails closed with `denylist_unavailable` (503), and a revocation that rejected has not happened.
 *
 * A store with only `isRevoked` and `revoke` serves plain token revocation. Sessions (revoking a
 * session or a subject, refresh-token rotation, ending live sockets on every node) need every
 * method of {@link SessionDenylistStore}: the service refuses those features at construction for
 * a store that lacks one (see {@link supportsSessions}).
 */
export interface DenylistStore {
  /** True when the token is revoked: its `jti`, its session, or its subject up to its `iat`. */
  isRevoked(token: RevocableToken): boolean | Promise<boolean>;
  /**
   * Revoke a token id until `expiresAt`; after that the token fails on `exp` anyway, so the
   * entry may be dropped (strictly after `expiresAt`). `null` means the token never expires: keep the entry.
   */
  revoke(jti: string, expiresAt: Date | null): void | Promise<void>;
  /** See {@link SessionDenylistStore.revokeSession}. */
  revokeSession?(sessionId: string, expiresAt: Date | null): void | Promise<void>;
  /** See {@link SessionDenylistStore.revokeSubject}. */
  revokeSubject?(subject: string | number, issuedUpToMs: number, expiresAt: Date | null): void | Promise<void>;
  /** See {@link SessionDenylistStore.spend}. */
  spend?(jti: string, expiresAt: Date | null): boolean | Promise<boolean>;
  /** See {@link SessionDenylistStore.onRevocation}. */
  onRevocation?(listener: (revocation: Revocation) => void): () => void;
}

/** A store that serves sessions: every method of {@link DenylistStore}, none optional. */
export interface SessionDenylistStore extends DenylistStore {
  /** Revoke every token whose session id (`sid`) is `sessionId`, until `expiresAt` (`null`: forever). */
  revokeSession(sessionId: string, expiresAt: Date | null): void | Promise<void>;
  /**
   * Revoke every token of `subject` issued at or before `issuedUpToMs` (milliseconds, compared
   * with the token's millisecond `iat`), until `expiresAt`, the moment no such token can be valid
   * any more (`null`: forever). Tokens issued later are untouched. A later call with an earlier
   * cut-off never narrows an earlier one.
   */
  revokeSubject(subject: string | number, issuedUpToMs: number, expiresAt: Date | null): void | Promise<void>;
  /**
   * Spend a single-use token id (a refresh token being rotated): true for the first spend only,
   * false for every later one, atomically (across processes for a shared store). The record is
   * kept until `expiresAt` (`null`: forever). A `jti` whose `expiresAt` has passed cannot be
   * spent: false.
   */
  spend(jti: string, expiresAt: Date | null): boolean | Promise<boolean>;
  /**
   * Calls `listener` for each revocation that changes what this process refuses, made in any
   * process that shares the store (for ending live sockets on every node); returns the function
   * that stops it. A listener that throws is ignored.
   */
  onRevocation(listener: (revocation: Revocation) => void): () => void;
}

/** True when `store` has every method sessions need. */
export function supportsSessions(store: DenylistStore): store is SessionDenylistStore {
  return (
    typeof store.revokeSession === 'function' &&
    typeof store.revokeSubject === 'function' &&
    typeof store.spend === 'function' &&
    typeof store.onRevocation === 'function'
  );
}

/** fastapi-paseto's `token_in_denylist_loader`: true when the token is revoked; sync or async. */
export type TokenInDenylistLoader = (token: RevocableToken) => boolean | Promise<boolean>;
