/**
 * A denylist store or loader answering anything but a boolean is broken: verification fails
 * closed with `denylist_unavailable`, never treats the answer as "not revoked".
 */
import { expect } from 'chai';
import { AuthPasetoError } from '../../src/errors';
import type { DenylistStore, RevocableToken, TokenInDenylistLoader } from '../../src/denylist/store';
import { PasetoAuthService } from '../../src/service';
import { LOCAL_KEY } from '../helpers/keys';

/** Answers a boolean-typed API could still receive from JavaScript callers or loose clients. */
const NOT_BOOLEANS: readonly unknown[] = [1, 0, 'yes', '', 'false', undefined, null, {}, [], Number.NaN];

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => expect.fail('expected a rejection'),
    (caught: unknown) => caught,
  );
  expect(error).to.be.instanceOf(AuthPasetoError);
  return (error as AuthPasetoError).code;
}

function storeAnswering(answer: () => unknown): DenylistStore {
  return { isRevoked: answer as () => boolean, revoke: () => undefined };
}

describe('security: denylist answers that are not booleans fail closed', () => {
  for (const value of NOT_BOOLEANS) {
    const label = value === undefined ? 'undefined (a forgotten return)' : JSON.stringify(value) ?? String(value);
    for (const timing of ['sync', 'async'] as const) {
      const answer = timing === 'sync' ? () => value : () => Promise.resolve(value);

      it(`a store answering ${label} (${timing}): denylist_unavailable`, async () => {
        const auth = new PasetoAuthService({ secretKey: LOCAL_KEY, denylistEnabled: true, denylist: storeAnswering(answer) });
        const token = await auth.createAccessToken({ subject: 'alice' });
        expect(await codeOf(auth.verifyToken(token))).to.equal('denylist_unavailable');
        expect(await codeOf(auth.authenticate(token, { optional: true }))).to.equal('denylist_unavailable');
        const verified = { jti: 'x', type: 'access', expiresAt: null, claims: {} } satisfies RevocableToken;
        expect(await codeOf(auth.isRevoked(verified))).to.equal('denylist_unavailable');
      });

      it(`a tokenInDenylistLoader answering ${label} (${timing}): denylist_unavailable`, async () => {
        const auth = new PasetoAuthService({
          secretKey: LOCAL_KEY,
          denylistEnabled: true,
          tokenInDenylistLoader: answer as TokenInDenylistLoader,
        });
        const token = await auth.createAccessToken({ subject: 'alice' });
        expect(await codeOf(auth.verifyToken(token))).to.equal('denylist_unavailable');
      });
    }
  }

  it('true and false still mean revoked and not revoked, sync and async', async () => {
    for (const wrap of [(v: boolean) => v, (v: boolean) => Promise.resolve(v)]) {
      const revoked = new PasetoAuthService({ secretKey: LOCAL_KEY, denylistEnabled: true, denylist: storeAnswering(() => wrap(true)) });
      expect(await codeOf(revoked.verifyToken(await revoked.createAccessToken({ subject: 'a' })))).to.equal('token_revoked');
      const clean = new PasetoAuthService({ secretKey: LOCAL_KEY, denylistEnabled: true, tokenInDenylistLoader: () => wrap(false) });
      expect((await clean.verifyToken(await clean.createAccessToken({ subject: 'a' }))).subject).to.equal('a');
    }
  });
});
