import { expect } from 'chai';
import { HttpError } from 'routing-controllers';
import { AuthPasetoError } from '../src/errors';

describe('AuthPasetoError', () => {
  it('captures no stack frames, so a flood of refusals pays for no traces', () => {
    const error = new AuthPasetoError('invalid_token', 'Failed to decrypt.');
    expect(error.stack).to.equal('AuthPasetoError: Failed to decrypt.');
    expect(error).to.be.instanceOf(HttpError).and.instanceOf(Error);
    expect(error.httpCode).to.equal(401);
  });

  it('leaves Error.stackTraceLimit as it found it', () => {
    const before = Error.stackTraceLimit;
    new AuthPasetoError('token_expired', 'Token expired.');
    expect(Error.stackTraceLimit).to.equal(before);
    expect(new Error('other').stack).to.match(/\n\s+at /);
  });
});
