/**
 * A value now, or a promise of it when something has to be waited for (a JSON body, an async
 * denylist store). The hot path of a request stays synchronous when nothing has to wait: no
 * promise, no microtask tick per step.
 */
export type MaybePromise<T> = T | Promise<T>;

/** True for a promise or any thenable (a store may return either). */
export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null)?.then === 'function';
}

/** `next(value)` now, or once `value` resolves; a thenable becomes a real promise. */
export function andThen<T, U>(value: T | PromiseLike<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return isPromiseLike(value) ? Promise.resolve(value).then(next) : next(value);
}
