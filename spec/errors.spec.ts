import { expect } from 'chai';
import { AuthPasetoError } from '../src/errors';

describe('AuthPasetoError', () => {
  it('captures no stack frames, so a flood of refusals pays for no traces', () => {
    const error = new AuthPasetoError('invalid_token', 'Failed to decrypt.');
    expect(error.stack).to.equal('AuthPasetoError: Failed to decrypt.');
    expect(error).to.be.instanceOf(Error);
    expect(error.httpCode).to.equal(401);
  });

  it('is framework-free: own httpCode and code, status, and the JSON body routing-controllers sends', () => {
    const error = new AuthPasetoError('insufficient_role', 'Token lacks a required role', 418);
    expect(Object.getPrototypeOf(AuthPasetoError.prototype)).to.equal(Error.prototype);
    expect(Object.keys(error)).to.include.members(['httpCode', 'code']);
    expect(error.status).to.equal(418);
    expect(JSON.parse(JSON.stringify(error))).to.deep.equal({ name: 'AuthPasetoError', message: 'Token lacks a required role', code: 'insufficient_role', status: 418 });
  });

  it('leaves Error.stackTraceLimit as it found it', () => {
    const before = Error.stackTraceLimit;
    new AuthPasetoError('token_expired', 'Token expired.');
    expect(Error.stackTraceLimit).to.equal(before);
    expect(new Error('other').stack).to.match(/\n\s+at /);
  });
});
