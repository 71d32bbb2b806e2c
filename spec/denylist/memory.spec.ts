import { inspect } from 'node:util';
import { expect } from 'chai';
import { DenylistFullError, MemoryDenylist } from '../../src/denylist/memory';
import { supportsSessions, type Revocation, type RevocableToken } from '../../src/denylist/store';

const token = (jti: string, claims: Record<string, unknown> = {}): RevocableToken => ({ jti, type: 'access', expiresAt: null, claims });

function testClock(start = 1_000): { now(): number; set(ms: number): void } {
  let now = start;
  return { now: () => now, set: (ms) => (now = ms) };
}

describe('MemoryDenylist', () => {
  it('holds a revocation through its expiresAt and forgets it strictly after', () => {
    const clock = testClock();
    const store = new MemoryDenylist({ clock });
    store.revoke('a', new Date(5_000));
    store.revoke('forever', null);
    expect(store.isRevoked(token('a'))).to.equal(true);
    expect(store.isRevoked(token('b'))).to.equal(false);
    clock.set(5_000);
    expect(store.isRevoked(token('a'))).to.equal(true);
    clock.set(5_001);
    expect(store.isRevoked(token('a'))).to.equal(false);
    expect(store.isRevoked(token('forever'))).to.equal(true);
  });

  it('is bounded: sweeps expired entries, then refuses rather than forgetting a live revocation', () => {
    const clock = testClock(0);
    const store = new MemoryDenylist({ maxEntries: 2, clock });
    store.revoke('a', new Date(10));
    store.revoke('b', new Date(1_000));
    clock.set(20);
    store.revoke('c', new Date(1_000));
    expect(store.size).to.equal(2);
    expect(() => store.revoke('d', new Date(1_000))).to.throw(DenylistFullError);
    expect(() => store.revokeSession('s', new Date(1_000))).to.throw(DenylistFullError);
    expect(() => store.spend('r', new Date(1_000))).to.throw(DenylistFullError);
    expect(store.isRevoked(token('b'))).to.equal(true);
    store.revoke('b', new Date(2_000));
  });

  it('revokes every token of a session, taken from the sid claim or the sessionId field', () => {
    const store = new MemoryDenylist({ clock: testClock() });
    store.revokeSession('s1', new Date(10_000));
    expect(store.isRevoked(token('x', { sid: 's1' }))).to.equal(true);
    expect(store.isRevoked({ ...token('y'), sessionId: 's1' })).to.equal(true);
    expect(store.isRevoked(token('z', { sid: 's2' }))).to.equal(false);
    expect(store.isRevoked({ ...token('w', { sid: 's1' }), sessionId: null })).to.equal(false);
  });

  it('revokes a subject up to a millisecond cut-off: two tokens of the same second fall on their sides', () => {
    const store = new MemoryDenylist({ clock: testClock() });
    store.revokeSubject('alice', Date.parse('2026-01-01T00:00:00.500Z'), new Date(10_000));
    const at = (iat: string, sub: unknown = 'alice') => store.isRevoked(token('t', { sub, iat }));
    expect(at('2026-01-01T00:00:00.499Z')).to.equal(true);
    expect(at('2026-01-01T00:00:00.500Z')).to.equal(true);
    expect(at('2026-01-01T00:00:00.501Z')).to.equal(false);
    expect(at('2026-01-01T00:00:00.499Z', 'bob')).to.equal(false);
    expect(store.isRevoked({ ...token('f'), subject: 'alice', issuedAtMs: Date.parse('2026-01-01T00:00:00.501Z') })).to.equal(false);
    // A token whose issue time is unknown cannot be placed after the cut-off.
    expect(store.isRevoked(token('n', { sub: 'alice' }))).to.equal(true);
    expect(store.isRevoked(token('m', { sub: 'alice', iat: 'yesterday' }))).to.equal(true);
  });

  it('keeps subject 42 and subject "42" apart, and never narrows a cut-off', () => {
    const store = new MemoryDenylist({ clock: testClock() });
    store.revokeSubject(42, 2_000, null);
    store.revokeSubject(42, 1_000, null);
    expect(store.isRevoked({ ...token('a'), subject: 42, issuedAtMs: 1_500 })).to.equal(true);
    expect(store.isRevoked({ ...token('a'), subject: '42', issuedAtMs: 1_500 })).to.equal(false);
  });

  it('spends an id once: true for the first spend only, false once its expiresAt has passed', () => {
    const clock = testClock();
    const store = new MemoryDenylist({ clock });
    expect(store.spend('r1', new Date(5_000))).to.equal(true);
    expect(store.spend('r1', new Date(5_000))).to.equal(false);
    expect(store.spend('old', new Date(999))).to.equal(false);
    expect(store.spend('forever', null)).to.equal(true);
    expect(store.spend('forever', null)).to.equal(false);
  });

  it('reports each revocation that changes what is refused, once', () => {
    const store = new MemoryDenylist({ clock: testClock() });
    const seen: Revocation[] = [];
    const stop = store.onRevocation((revocation) => seen.push(revocation));
    store.onRevocation(() => {
      throw new Error('a failing listener is ignored');
    });
    store.revoke('a', null);
    store.revoke('a', null);
    store.revokeSession('s', null);
    store.revokeSubject('u', 5, null);
    store.revokeSubject('u', 4, null);
    store.revokeSubject('u', 6, null);
    store.revoke('dead', new Date(1));
    stop();
    store.revoke('b', null);
    expect(seen).to.deep.equal([
      { kind: 'token', jti: 'a' },
      { kind: 'session', sessionId: 's' },
      { kind: 'subject', subject: 'u', issuedUpToMs: 5 },
      { kind: 'subject', subject: 'u', issuedUpToMs: 6 },
    ]);
  });

  it('refuses malformed arguments with a TypeError', () => {
    const store = new MemoryDenylist();
    expect(() => store.revoke('', null)).to.throw(TypeError);
    expect(() => store.revokeSession('s', new Date(Number.NaN))).to.throw(TypeError);
    expect(() => store.revokeSubject('', 1, null)).to.throw(TypeError);
    expect(() => store.revokeSubject('u', Number.NaN, null)).to.throw(TypeError);
  });

  it('serves sessions, and shows no revoked ids to inspect or JSON', () => {
    const store = new MemoryDenylist();
    store.revoke('secret-jti', null);
    expect(supportsSessions(store)).to.equal(true);
    expect(supportsSessions({ isRevoked: () => false, revoke: () => undefined })).to.equal(false);
    expect(inspect(store, { showHidden: true })).not.to.contain('secret-jti');
    expect(JSON.stringify(store)).not.to.contain('secret-jti');
  });
});
