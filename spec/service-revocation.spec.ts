import { expect } from 'chai';
import { PasetoAuthService } from '../src/service';
import { AuthPasetoError } from '../src/errors';
import { MemoryDenylist } from '../src/denylist/memory';
import type { DenylistStore, RevocableToken } from '../src/denylist/store';
import type { PasetoAuthOptions } from '../src/config/options';
import { LOCAL_KEY } from './helpers/keys';


function service(options: PasetoAuthOptions = {}): PasetoAuthService {
  return new PasetoAuthService({ secretKey: LOCAL_KEY, denylistEnabled: true, ...options });
}

async function rejection(promise: Promise<unknown>): Promise<AuthPasetoError> {
  const error = await promise.then(
    () => expect.fail('expected a rejection'),
    (caught: unknown) => caught,
  );
  expect(error).to.be.instanceOf(AuthPasetoError);
  return error as AuthPasetoError;
}

describe('PasetoAuthService revocation hooks', () => {
  describe('onRevoke', () => {
    it('tells listeners of each revocation, after the store accepted it and before revokeToken resolves', async () => {
      const calls: string[] = [];
      const store = new MemoryDenylist();
      const auth = service({ denylist: store });
      const token = await auth.createAccessToken({ subject: 'alice' });
      const verified = await auth.verifyToken(token);
      auth.onRevoke((revoked) => {
        calls.push(`listener:${revoked.jti}:${revoked.type}:${String(store.isRevoked(revoked))}`);
      });
      await auth.revokeToken(token);
      calls.push('resolved');
      expect(calls).to.deep.equal([`listener:${verified.jti}:access:true`, 'resolved']);

      // a VerifiedToken works too, and is handed over as given
      const other = await auth.verifyToken(await auth.createRefreshToken({ subject: 'alice' }), { refreshToken: true });
      let seen: RevocableToken | undefined;
      auth.onRevoke((revoked) => {
        seen = revoked;
      });
      await auth.revokeToken(other);
      expect(seen).to.equal(other);
    });

    it('is not called when the store refuses the revocation', async () => {
      const store: DenylistStore = {
        isRevoked: () => false,
        revoke: () => Promise.reject(new Error('redis down')),
      };
      const auth = service({ denylist: store });
      let called = false;
      auth.onRevoke(() => {
        called = true;
      });
      expect((await rejection(auth.revokeToken(await auth.createAccessToken({ subject: 'alice' })))).code).to.equal('denylist_unavailable');
      expect(called).to.equal(false);
    });

    it('a throwing listener breaks neither revokeToken nor the other listeners', async () => {
      const auth = service();
      const calls: string[] = [];
      auth.onRevoke(() => {
        throw new Error('listener failed');
      });
      auth.onRevoke(() => calls.push('second'));
      const token = await auth.createAccessToken({ subject: 'alice' });
      await auth.revokeToken(token);
      expect(calls).to.deep.equal(['second']);
      expect((await rejection(auth.verifyToken(token))).code).to.equal('token_revoked');
    });

    it('unsubscribes: each subscription on its own, idempotently, also from inside a listener', async () => {
      const auth = service();
      const calls: string[] = [];
      const listener = (revoked: RevocableToken) => calls.push(revoked.type);
      const first = auth.onRevoke(listener);
      const second = auth.onRevoke(listener);
      const once = auth.onRevoke(() => {
        calls.push('once');
        once();
      });
      await auth.revokeToken(await auth.createAccessToken({ subject: 'a' }));
      expect(calls.sort()).to.deep.equal(['access', 'access', 'once']);

      calls.length = 0;
      first();
      first();
      await auth.revokeToken(await auth.createRefreshToken({ subject: 'a' }));
      expect(calls).to.deep.equal(['refresh']);

      calls.length = 0;
      second();
      await auth.revokeToken(await auth.createAccessToken({ subject: 'a' }));
      expect(calls).to.deep.equal([]);
    });
  });

  describe('isRevocationChecked and isRevoked', () => {
    it('follow denylistEnabled and denylistTokenChecks, without asking the store when they do not apply', async () => {
      let asked = 0;
      const revokedIds = new Set<string>();
      const store: DenylistStore = {
        isRevoked: (token) => {
          asked += 1;
          return revokedIds.has(token.jti ?? '');
        },
        revoke: (jti) => {
          revokedIds.add(jti);
        },
      };
      const auth = service({ denylist: store, denylistTokenChecks: ['access'] });
      const access = await auth.verifyToken(await auth.createAccessToken({ subject: 'a' }));
      const refresh = await auth.verifyToken(await auth.createRefreshToken({ subject: 'a' }), { refreshToken: true });
      asked = 0;
      expect([auth.isRevocationChecked(access), auth.isRevocationChecked(refresh)]).to.deep.equal([true, false]);

      expect(await auth.isRevoked(access)).to.equal(false);
      await auth.revokeToken(access);
      await auth.revokeToken(refresh);
      expect(await auth.isRevoked(access)).to.equal(true);
      // revoked in the store, but verification would accept it: not revoked for this service
      expect(await auth.isRevoked(refresh)).to.equal(false);
      expect(asked).to.equal(2);

      const off = new PasetoAuthService({ secretKey: LOCAL_KEY, denylist: store });
      expect(off.isRevocationChecked(access)).to.equal(false);
      expect(await off.isRevoked(access)).to.equal(false);
      expect(asked).to.equal(2);
    });

    it('consult tokenInDenylistLoader, and fail closed when the store or loader fails', async () => {
      let failing = false;
      const store: DenylistStore = {
        isRevoked: () => {
          if (failing) throw new Error('redis down');
          return false;
        },
        revoke: () => undefined,
      };
      const auth = service({ denylist: store, tokenInDenylistLoader: async (token) => token.claims.sub === 'banned' });
      const banned = await auth.verifyToken(await auth.createAccessToken({ subject: 'banned' })).catch(() => undefined);
      expect(banned, 'the loader refuses it at verification').to.equal(undefined);
      const alice = await auth.verifyToken(await auth.createAccessToken({ subject: 'alice' }));
      expect(await auth.isRevoked(alice)).to.equal(false);
      expect(await auth.isRevoked({ ...alice, claims: { ...alice.claims, sub: 'banned' } })).to.equal(true);

      failing = true;
      const error = await rejection(auth.isRevoked(alice));
      expect(error.code).to.equal('denylist_unavailable');
      expect(error.httpCode).to.equal(503);
    });
  });
});
