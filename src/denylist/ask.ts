import { ErrorMessages } from '../errors';
import { andThen, isPromiseLike, type MaybePromise } from '../maybe-promise';
import { TokenFailure } from '../tokens/failure';
import type { DenylistStore, RevocableToken, TokenInDenylistLoader } from './store';

/**
 * Whether `token` is revoked: the store, then the loader; either may answer now or later. Any
 * failure fails closed, and so does an answer that is not a boolean (`1` from a Redis `EXISTS`,
 * `undefined` from a forgotten `return`): a store that cannot say `true` or `false` is broken,
 * not "not revoked".
 * @throws TokenFailure `denylist_unavailable` (or rejects with it)
 */
export function askDenylist(store: DenylistStore, loader: TokenInDenylistLoader | undefined, token: RevocableToken): MaybePromise<boolean> {
  const unavailable = (): never => {
    throw new TokenFailure('denylist_unavailable', ErrorMessages.denylistUnavailable);
  };
  const boolean = (answer: unknown): boolean => (typeof answer === 'boolean' ? answer : unavailable());
  try {
    const answer = andThen(andThen<unknown, boolean>(store.isRevoked(token), boolean), (revoked) =>
      revoked || loader === undefined ? revoked : andThen<unknown, boolean>(loader(token), boolean),
    );
    return isPromiseLike(answer) ? Promise.resolve(answer).then((revoked) => revoked, unavailable) : answer;
  } catch {
    return unavailable();
  }
}
