import { expect } from 'chai';
import { DenylistFullError, MemoryDenylist } from '../../src/denylist/memory';
import type { RevocableToken } from '../../src/denylist/store';

const token = (jti: string): RevocableToken => ({ jti, type: 'access', expiresAt: null, claims: {} });

describe('MemoryDenylist', () => {
  it('holds a revocation until the token would have expired', () => {
    let now = 1_000;
    const store = new MemoryDenylist({ now: () => now });
    store.revoke('a', new Date(5_000));
    store.revoke('forever', null);
    expect(store.isRevoked(token('a'))).to.equal(true);
    expect(store.isRevoked(token('b'))).to.equal(false);
    now = 5_001;
    expect(store.isRevoked(token('a'))).to.equal(false);
    expect(store.isRevoked(token('forever'))).to.equal(true);
    expect(store.size).to.equal(1);
  });

  it('is bounded: sweeps expired entries, then refuses rather than forgetting a live revocation', () => {
    let now = 0;
    const store = new MemoryDenylist({ maxEntries: 2, now: () => now });
    store.revoke('a', new Date(10));
    store.revoke('b', new Date(1_000));
    now = 20;
    store.revoke('c', new Date(1_000));
    expect(store.size).to.equal(2);
    expect(() => store.revoke('d', new Date(1_000))).to.throw(DenylistFullError);
    expect(store.isRevoked(token('b'))).to.equal(true);
    store.revoke('b', new Date(2_000));
  });
});
