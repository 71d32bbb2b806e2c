/**
 * Nothing reachable from the service, its cache or the denylist stores by `util.inspect` or
 * `JSON.stringify` shows a token, key material or a claim value: `console.log(auth)` in an
 * application log must not leak live bearer tokens.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { MemoryDenylist } from '../../src/denylist/memory';
import { RedisDenylist, type RedisDenylistClient, type RedisDenylistSubscriber } from '../../src/denylist/redis';
import { generateKeys } from '../../src/keys/generate';
import { PasetoAuthService } from '../../src/service';
import type { DenylistStore } from '../../src/denylist/store';

const SUBJECT = 'subject-7f3a9c';
const CLAIM = 'claim-value-51d2e8';

/** A Redis stand-in that keeps every command it is sent, as a real client's queues and buffers would. */
function recordingClient(): RedisDenylistClient {
  const sent: (string | number)[][] = [];
  const subscriber: RedisDenylistSubscriber = {
    status: 'ready',
    subscribe: () => Promise.resolve(1),
    ping: () => Promise.resolve('PONG'),
    on: () => subscriber,
    disconnect: () => undefined,
  };
  return {
    status: 'ready',
    call: (...args: (string | number)[]) => {
      sent.push(args);
      // The snapshot script (three keys) answers Redis' time and three empty lists; a write answers 1.
      return Promise.resolve(args[2] === 3 ? [String(Date.now()), [], [], []] : 1);
    },
    duplicate: () => subscriber,
  };
}

/** Every rendering of `value` a log line could show. */
function renderings(value: unknown): string[] {
  return [
    inspect(value, { depth: Infinity, showHidden: true, maxArrayLength: Infinity, maxStringLength: Infinity }),
    inspect(value, { depth: Infinity, getters: true }),
    String(JSON.stringify(value)),
  ];
}

for (const [name, makeStore] of [
  ['MemoryDenylist', () => new MemoryDenylist()],
  ['RedisDenylist', () => new RedisDenylist({ client: recordingClient() })],
] as const) {
  describe(`security: util.inspect and JSON.stringify show no secret (service with ${name})`, () => {
    it('after creating, verifying (cached) and revoking tokens', async () => {
      const local = randomBytes(32);
      const v4 = generateKeys({ version: 4, purpose: 'public' });
      const v3 = generateKeys({ version: 3, purpose: 'public' });
      const store: DenylistStore = makeStore();
      if (store instanceof RedisDenylist) await store.ready();
      const auth = new PasetoAuthService({
        keys: [
          { version: 4, purpose: 'local', secretKey: local },
          { version: 4, purpose: 'public', privateKey: v4.privateKey },
          { version: 3, purpose: 'public', privateKey: v3.privateKey },
        ],
        denylistEnabled: true,
        denylist: store,
      });
      const secrets: string[] = [local.toString('hex'), local.toString('base64url'), v4.privateKey!, v3.privateKey!, SUBJECT, CLAIM];
      // Key bytes as inspect prints a Buffer: "<Buffer 07 a1 ...".
      secrets.push(local.subarray(0, 8).toString('hex').replace(/(..)(?!$)/g, '$1 '));
      for (const purpose of ['local', 'public'] as const) {
        const token = await auth.createAccessToken({ subject: SUBJECT, userClaims: { note: CLAIM }, purpose });
        const verified = await auth.verifyToken(token);
        await auth.verifyToken(token); // a cache hit
        const revoked = await auth.createRefreshToken({ subject: SUBJECT, purpose });
        const { jti: revokedJti } = await auth.verifyToken(revoked, { refreshToken: true });
        await auth.revokeToken(revoked);
        secrets.push(token, revoked, String(verified.jti), String(revokedJti), token.slice(10, 50), revoked.slice(10, 50));
      }
      for (const target of [auth, store]) {
        for (const text of renderings(target)) {
          for (const secret of secrets) expect(text, `${inspect(target).slice(0, 40)}…`).not.to.include(secret);
        }
      }
    });
  });
}
