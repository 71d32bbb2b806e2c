/**
 * MemoryDenylist keeps a revocation for as long as the token verifies: up to and including the
 * millisecond `exp + decodeLeeway`, the last one at which verification accepts it.
 */
import { expect } from 'chai';
import { AuthPasetoError } from '../../src/errors';
import { MemoryDenylist } from '../../src/denylist/memory';
import { createTestAuth, TestClock } from '../../src/testing';

const START = Date.UTC(2030, 0, 1, 12, 0, 0, 250);

describe('security: MemoryDenylist at the exact end of a token', () => {
  for (const leeway of [0, 5]) {
    it(`decodeLeeway ${leeway}: still revoked at exp + leeway, forgotten (and expired) one millisecond later`, async () => {
      const clock = new TestClock(START);
      const store = new MemoryDenylist({ clock });
      const { auth, accessToken } = createTestAuth({ denylistEnabled: true, denylist: store, decodeLeeway: leeway, accessTokenExpires: 60, clock });
      const token = await accessToken('alice');
      const verified = await auth.verifyToken(token);
      const expiresAt = verified.expiresAt;
      await auth.revokeToken(token);
      const last = expiresAt!.getTime() + leeway * 1000;

      clock.set(last);
      const atLast = await auth.verifyToken(token).catch((error: unknown) => error);
      expect(atLast).to.be.instanceOf(AuthPasetoError);
      expect((atLast as AuthPasetoError).code).to.equal('token_revoked');

      clock.set(last + 1);
      const after = await auth.verifyToken(token).catch((error: unknown) => error);
      expect((after as AuthPasetoError).code).to.equal('token_expired');
      expect(store.isRevoked(verified)).to.equal(false);
    });
  }

  it('the sweep of a full store keeps an entry whose last millisecond is now', () => {
    const clock = new TestClock(START);
    const store = new MemoryDenylist({ maxEntries: 1, clock });
    store.revoke('a', new Date(clock.now()));
    expect(() => store.revoke('b', new Date(clock.now() + 1000))).to.throw('unexpired revocations');
    clock.advance(1);
    store.revoke('b', new Date(clock.now() + 1000));
    expect(store.size).to.equal(1);
  });
});
