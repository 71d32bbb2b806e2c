import { expect } from 'chai';
import { PasetoAuthService } from '../src/service';
import { AuthPasetoError, PasetoConfigError } from '../src/errors';
import { MemoryDenylist } from '../src/denylist/memory';
import type { DenylistStore, Revocation } from '../src/denylist/store';
import type { PasetoAuthOptions } from '../src/config/options';
import { TestClock } from '../src/testing/clock';
import { LOCAL_KEY } from './helpers/keys';

const START = Date.parse('2026-06-01T12:00:00.250Z');

function setup(options: PasetoAuthOptions = {}, clock = new TestClock(START)): { auth: PasetoAuthService; clock: TestClock } {
  return { auth: new PasetoAuthService({ secretKey: LOCAL_KEY, denylistEnabled: true, clock, ...options }), clock };
}

async function rejection(promise: Promise<unknown>): Promise<AuthPasetoError> {
  const error = await promise.then(
    () => expect.fail('expected a rejection'),
    (caught: unknown) => caught,
  );
  expect(error).to.be.instanceOf(AuthPasetoError);
  return error as AuthPasetoError;
}

describe('sessions', () => {
  describe('createTokenPair', () => {
    it('gives an access and a refresh token sharing a new sid, with a millisecond iat', async () => {
      const { auth } = setup();
      const pair = await auth.createTokenPair({ subject: 'alice', fresh: true, userClaims: { roles: ['admin'] } });
      const access = await auth.verifyToken(pair.accessToken, { fresh: true });
      const refresh = await auth.verifyToken(pair.refreshToken, { refreshToken: true });
      expect(pair.sessionId).to.match(/^[A-Za-z0-9_-]{22}$/);
      expect(access.sessionId).to.equal(pair.sessionId);
      expect(refresh.sessionId).to.equal(pair.sessionId);
      expect(access.claims.sid).to.equal(pair.sessionId);
      expect(access.claims.iat).to.equal('2026-06-01T12:00:00.250Z');
      expect(access.issuedAtMs).to.equal(Date.parse('2026-06-01T12:00:00.250Z'));
      expect(refresh.claims.roles).to.deep.equal(['admin']);
      const other = await auth.createTokenPair({ subject: 'alice' });
      expect(other.sessionId).to.not.equal(pair.sessionId);
    });

    it('refuses sid among user claims and a sessionId of its own', async () => {
      const { auth } = setup();
      let caught: unknown;
      await auth.createAccessToken({ subject: 'a', userClaims: { sid: 'x' } }).catch((error: unknown) => (caught = error));
      expect(caught).to.be.instanceOf(TypeError).with.property('message').that.contains('sid');
      caught = undefined;
      await auth.createTokenPair({ subject: 'a', sessionId: 'x' } as never).catch((error: unknown) => (caught = error));
      expect(caught).to.be.instanceOf(TypeError);
    });

    it('lets a token join a session, within the longest configured lifetime', async () => {
      const { auth } = setup();
      const { sessionId } = await auth.createTokenPair({ subject: 'alice' });
      const joined = await auth.verifyToken(await auth.createAccessToken({ subject: 'alice', sessionId }));
      expect(joined.sessionId).to.equal(sessionId);
      expect((await auth.verifyToken(await auth.createAccessToken({ subject: 'alice' }))).sessionId).to.equal(null);
      for (const bad of ['', 'v4.local.abc', 'x'.repeat(129)]) {
        let caught: unknown;
        await auth.createAccessToken({ subject: 'a', sessionId: bad }).catch((error: unknown) => (caught = error));
        expect(caught, bad).to.be.instanceOf(TypeError);
      }
      let caught: unknown;
      await auth.createAccessToken({ subject: 'a', sessionId, expiresIn: 31 * 24 * 3600 }).catch((error: unknown) => (caught = error));
      expect(caught).to.be.instanceOf(TypeError).with.property('message').that.contains('outlive');
    });
  });

  describe('rotateRefreshToken', () => {
    it('spends the refresh token and issues the next pair of the session, user claims carried', async () => {
      const { auth } = setup();
      const first = await auth.createTokenPair({ subject: 'alice', fresh: true, userClaims: { roles: ['admin'] } });
      const next = await auth.rotateRefreshToken(first.refreshToken);
      expect(next.sessionId).to.equal(first.sessionId);
      const access = await auth.verifyToken(next.accessToken);
      expect(access.subject).to.equal('alice');
      expect(access.fresh).to.equal(false);
      expect(access.claims.roles).to.deep.equal(['admin']);
      expect(access.sessionId).to.equal(first.sessionId);
      const third = await auth.rotateRefreshToken(next.refreshToken);
      expect(third.sessionId).to.equal(first.sessionId);
    });

    it('treats a spent refresh token presented again as reuse: the whole session is revoked', async () => {
      const { auth } = setup();
      const first = await auth.createTokenPair({ subject: 'alice' });
      const next = await auth.rotateRefreshToken(first.refreshToken);
      const error = await rejection(auth.rotateRefreshToken(first.refreshToken));
      expect(error.code).to.equal('refresh_token_reused');
      expect(error.httpCode).to.equal(401);
      expect(error.message).to.equal('Refresh token reuse detected; the session has been revoked');
      for (const token of [first.accessToken, next.accessToken]) {
        expect((await rejection(auth.verifyToken(token))).code).to.equal('token_revoked');
      }
      expect((await rejection(auth.rotateRefreshToken(next.refreshToken))).code).to.equal('token_revoked');
      // other sessions of the subject are untouched
      const other = await auth.createTokenPair({ subject: 'alice' });
      await auth.verifyToken(other.accessToken);
    });

    it('of concurrent rotations of one refresh token exactly one succeeds', async () => {
      const { auth } = setup();
      const { refreshToken } = await auth.createTokenPair({ subject: 'alice' });
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => auth.rotateRefreshToken(refreshToken)));
      expect(results.filter((result) => result.status === 'fulfilled')).to.have.length(1);
      for (const result of results) {
        if (result.status === 'rejected') expect((result.reason as AuthPasetoError).code).to.be.oneOf(['refresh_token_reused', 'token_revoked']);
      }
    });

    it('refuses an access token (wrong_token_type, session untouched) and a refresh token without sid', async () => {
      const { auth } = setup();
      const pair = await auth.createTokenPair({ subject: 'alice' });
      expect((await rejection(auth.rotateRefreshToken(pair.accessToken))).code).to.equal('wrong_token_type');
      await auth.verifyToken(pair.accessToken);
      await auth.rotateRefreshToken(pair.refreshToken);
      const lone = await rejection(auth.rotateRefreshToken(await auth.createRefreshToken({ subject: 'alice' })));
      expect(lone.code).to.equal('invalid_argument');
      expect(lone.httpCode).to.equal(400);
    });

    it('rejects with denylist_unavailable when the store fails to spend', async () => {
      const store = new MemoryDenylist();
      store.spend = () => {
        throw new Error('down');
      };
      const { auth } = setup({ denylist: store });
      const pair = await auth.createTokenPair({ subject: 'alice' });
      expect((await rejection(auth.rotateRefreshToken(pair.refreshToken))).code).to.equal('denylist_unavailable');
    });
  });

  describe('revokeSession and revokeSubject', () => {
    it('revokeSession refuses every token of the session, by id or by token', async () => {
      const { auth } = setup();
      const one = await auth.createTokenPair({ subject: 'alice' });
      const joined = await auth.createAccessToken({ subject: 'alice', sessionId: one.sessionId });
      const two = await auth.createTokenPair({ subject: 'alice' });
      await auth.revokeSession(one.sessionId);
      for (const token of [one.accessToken, joined]) expect((await rejection(auth.verifyToken(token))).code).to.equal('token_revoked');
      expect((await rejection(auth.verifyToken(one.refreshToken, { refreshToken: true }))).code).to.equal('token_revoked');
      await auth.verifyToken(two.accessToken);
      await auth.revokeSession(two.accessToken);
      expect((await rejection(auth.verifyToken(two.refreshToken, { refreshToken: true }))).code).to.equal('token_revoked');
      let caught: unknown;
      await auth.revokeSession(await auth.createAccessToken({ subject: 'a' })).catch((error: unknown) => (caught = error));
      expect(caught).to.be.instanceOf(TypeError);
    });

    it('revokeSubject refuses tokens issued until it resolves and none issued after, in the same millisecond', async () => {
      const { auth, clock } = setup();
      const before = await auth.createTokenPair({ subject: 'alice' });
      const lone = await auth.createAccessToken({ subject: 'alice' });
      const bob = await auth.createAccessToken({ subject: 'bob' });
      await auth.revokeSubject('alice');
      // the clock has not moved: the next token still falls after the cut-off
      const after = await auth.createAccessToken({ subject: 'alice' });
      for (const token of [before.accessToken, lone]) expect((await rejection(auth.verifyToken(token))).code).to.equal('token_revoked');
      await auth.verifyToken(after);
      await auth.verifyToken(bob);
      clock.advance(5);
      await auth.verifyToken(await auth.createAccessToken({ subject: 'alice' }));
    });

    it('a failing store rejects with denylist_unavailable and nothing is revoked', async () => {
      const store = new MemoryDenylist();
      const down = (): Promise<void> => Promise.reject(new Error('down'));
      Object.assign(store, { revokeSession: down, revokeSubject: down });
      const { auth } = setup({ denylist: store });
      const pair = await auth.createTokenPair({ subject: 'alice' });
      expect((await rejection(auth.revokeSession(pair.sessionId))).code).to.equal('denylist_unavailable');
      expect((await rejection(auth.revokeSubject('alice'))).code).to.equal('denylist_unavailable');
      await auth.verifyToken(pair.accessToken);
    });

    it('needs denylistEnabled and a store with the session methods (PasetoConfigError at call time)', async () => {
      const off = setup({ denylistEnabled: false }).auth;
      const plain: DenylistStore = { isRevoked: () => false, revoke: () => undefined };
      const limited = setup({ denylist: plain }).auth;
      for (const auth of [off, limited]) {
        const pair = await off.createTokenPair({ subject: 'alice' });
        for (const call of [() => auth.revokeSession('s'), () => auth.revokeSubject('alice'), () => auth.rotateRefreshToken(pair.refreshToken)]) {
          let caught: unknown;
          await call().catch((error: unknown) => (caught = error));
          expect(caught).to.be.instanceOf(PasetoConfigError);
        }
      }
    });
  });

  describe('onRevocation', () => {
    it('reports revocations of every kind, including those made straight in the shared store', async () => {
      const clock = new TestClock(START);
      const store = new MemoryDenylist({ clock });
      const { auth } = setup({ denylist: store }, clock);
      const seen: Revocation[] = [];
      const stop = auth.onRevocation((revocation) => seen.push(revocation));
      const pair = await auth.createTokenPair({ subject: 'alice' });
      const verified = await auth.verifyToken(pair.accessToken);
      await auth.revokeToken(verified);
      await auth.revokeSession(pair.sessionId);
      await auth.revokeSubject('alice');
      store.revokeSession('elsewhere', null);
      expect(seen).to.deep.equal([
        { kind: 'token', jti: verified.jti },
        { kind: 'session', sessionId: pair.sessionId },
        { kind: 'subject', subject: 'alice', issuedUpToMs: auth.clock.now() },
        { kind: 'session', sessionId: 'elsewhere' },
      ]);
      stop();
      store.revokeSession('later', null);
      expect(seen).to.have.length(4);
    });

    it('reports token revocations of this service for a store without a feed', async () => {
      const revoked = new Set<string>();
      const plain: DenylistStore = { isRevoked: (token) => revoked.has(token.jti ?? ''), revoke: (jti) => void revoked.add(jti) };
      const { auth } = setup({ denylist: plain });
      const seen: Revocation[] = [];
      auth.onRevocation((revocation) => seen.push(revocation));
      const verified = await auth.verifyToken(await auth.createAccessToken({ subject: 'alice' }));
      await auth.revokeToken(verified);
      expect(seen).to.deep.equal([{ kind: 'token', jti: verified.jti }]);
    });
  });
});
