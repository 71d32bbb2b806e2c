/** The shared test key and small helpers of the core specs. */
import { expect } from 'chai';
import { AuthPasetoError, type AuthPasetoErrorCode } from '../../src/errors';

/** A fixed v4.local key (32 bytes of 7): tokens made in one spec open in another. */
export const LOCAL_KEY = `k4.local.${Buffer.alloc(32, 7).toString('base64url')}`;

/** The AuthPasetoError `promise` rejects with; fails the test when it resolves. */
export async function failure(promise: Promise<unknown>): Promise<AuthPasetoError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(AuthPasetoError);
    return error as AuthPasetoError;
  }
  throw new Error('expected a failure');
}

/** Expects `promise` to reject with an AuthPasetoError of `code` (and `message`, when given). */
export async function expectCode(promise: Promise<unknown>, code: AuthPasetoErrorCode, message?: string): Promise<AuthPasetoError> {
  const error = await failure(promise);
  expect(error.code).to.equal(code);
  if (message !== undefined) expect(error.message).to.equal(message);
  return error;
}
