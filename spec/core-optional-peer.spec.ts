import { expect } from 'chai';
import { runNodeScript, withoutPackages } from './helpers/missing-peer';

/**
 * A fresh node process in which no framework can be resolved (routing-controllers, express,
 * socket.io, socket-controllers), as for a user who installed none: the core (service, errors,
 * configuration, tokens, keys, denylist, test clock) loads and works, and its errors carry what
 * any framework renders (httpCode, status, toJSON) without routing-controllers' HttpError.
 */
const script = `
${withoutPackages('routing-controllers', 'express', 'socket.io', 'socket-controllers')}(async () => {
  const { PasetoAuthService } = require('./src/service.ts');
  const { AuthPasetoError } = require('./src/errors.ts');
  const { TestClock } = require('./src/testing/clock.ts');
  const clock = new TestClock(Date.UTC(2030, 0, 1));
  const auth = new PasetoAuthService({ secretKey: 'k4.local.' + Buffer.alloc(32, 7).toString('base64url'), clock, statusCodes: { token_expired: 419 } });
  const token = await auth.createAccessToken({ subject: 'alice', expiresIn: 1 });
  const out = { subject: (await auth.verifyToken(token)).subject };
  clock.advance(1001);
  try { await auth.verifyToken(token); } catch (error) {
    out.isAuthPasetoError = error instanceof AuthPasetoError && error instanceof Error;
    out.httpCode = error.httpCode;
    out.status = error.status;
    out.json = JSON.parse(JSON.stringify(error));
  }
  console.log(JSON.stringify(out));
})().catch((error) => { console.error(error); process.exit(1); });
`;

describe('the core loads without any HTTP or socket framework', function () {
  this.timeout(60_000);

  it('creates and verifies tokens; an error renders by httpCode/toJSON with its configured status', () => {
    const child = runNodeScript(script);
    expect(child.stderr).to.equal('');
    expect(JSON.parse(child.stdout)).to.deep.equal({
      subject: 'alice',
      isAuthPasetoError: true,
      httpCode: 419,
      status: 419,
      json: { name: 'AuthPasetoError', message: 'Token expired.', code: 'token_expired', status: 419 },
    });
  });
});
