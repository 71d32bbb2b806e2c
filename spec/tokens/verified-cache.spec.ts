/**
 * The verified-token cache never accepts what a miss would refuse. spec/service.spec.ts covers the
 * implicit assertion, revocation, type and expiry on a hit; these cover the base64 flag and the
 * cache's scope (one service instance, its own keys and claim rules).
 */
import { expect } from 'chai';
import { PasetoAuthService } from '../../src/service';
import type { VerifyTokenOptions } from '../../src/tokens/types';
import { VerifiedTokenCache, type CachedVerification } from '../../src/tokens/verified-cache';
import { LOCAL_KEY as KEY } from '../helpers/keys';

const OTHER_KEY = `k4.local.${Buffer.alloc(32, 9).toString('base64url')}`;

async function codeOf(auth: PasetoAuthService, token: string, options: VerifyTokenOptions = {}): Promise<string> {
  try {
    await auth.verifyToken(token, options);
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

describe('verified-token cache: a hit is never less safe than a miss', () => {
  it('a hit honours the base64 flag both ways', async () => {
    const auth = new PasetoAuthService({ secretKey: KEY });
    const encoded = await auth.createAccessToken({ subject: 'alice', base64Encode: true });
    const raw = Buffer.from(encoded, 'base64').toString('utf8');
    expect(await codeOf(auth, encoded, { base64Encoded: true })).to.equal('ok'); // now cached
    expect(await codeOf(auth, raw, { base64Encoded: true })).to.equal('invalid_token');
    expect(await codeOf(auth, encoded)).to.equal('invalid_token');
  });

  it('a hit never crosses service instances: another key, issuer or audience rule still refuses', async () => {
    const issuer = new PasetoAuthService({ secretKey: KEY, encodeIssuer: 'idp.test' });
    const token = await issuer.createAccessToken({ subject: 'alice', audience: 'api' });
    const api = new PasetoAuthService({ secretKey: KEY, decodeIssuer: 'idp.test', decodeAudience: 'api' });
    expect(await codeOf(api, token)).to.equal('ok'); // cached in `api`
    expect(await codeOf(new PasetoAuthService({ secretKey: OTHER_KEY, decodeAudience: 'api' }), token)).to.equal('invalid_token');
    expect(await codeOf(new PasetoAuthService({ secretKey: KEY, decodeIssuer: 'other.test', decodeAudience: 'api' }), token)).to.equal('invalid_issuer');
    expect(await codeOf(new PasetoAuthService({ secretKey: KEY, decodeIssuer: 'idp.test', decodeAudience: 'billing' }), token)).to.equal('invalid_audience');
    expect(await codeOf(new PasetoAuthService({ secretKey: KEY }), token)).to.equal('invalid_audience');
  });
});

describe('VerifiedTokenCache', () => {
  const entry = (expiresAt: number | undefined, assertion = new Uint8Array(0)): CachedVerification => ({
    verified: {} as CachedVerification['verified'],
    assertion,
    expiresAt,
    notBefore: undefined,
  });

  it('is bounded: the least recently used entry leaves first, and a size of 0 keeps nothing', () => {
    const cache = new VerifiedTokenCache(2);
    cache.set('a', entry(undefined));
    cache.set('b', entry(undefined));
    cache.set('c', entry(undefined));
    expect(cache.size).to.equal(2);
    expect(cache.get('a', new Uint8Array(0), 0, 0)).to.equal(undefined);
    expect(cache.get('c', new Uint8Array(0), 0, 0)).to.not.equal(undefined);
    const none = new VerifiedTokenCache(0);
    none.set('a', entry(undefined));
    expect(none.size).to.equal(0);
  });

  it('keeps what is used: a hit refreshes its entry, so tokens in rotation stay cached', () => {
    const cache = new VerifiedTokenCache(2);
    cache.set('a', entry(undefined));
    cache.set('b', entry(undefined));
    expect(cache.get('a', new Uint8Array(0), 0, 0)).to.not.equal(undefined); // a is now the most recent
    cache.set('c', entry(undefined)); // pushes out b, not a
    expect(cache.get('b', new Uint8Array(0), 0, 0)).to.equal(undefined);
    expect(cache.get('a', new Uint8Array(0), 0, 0)).to.not.equal(undefined);
    expect(cache.get('c', new Uint8Array(0), 0, 0)).to.not.equal(undefined);
  });

  it('a miss for another implicit assertion does not refresh the entry', () => {
    const cache = new VerifiedTokenCache(2);
    cache.set('a', entry(undefined, new Uint8Array([1])));
    cache.set('b', entry(undefined));
    expect(cache.get('a', new Uint8Array([2]), 0, 0)).to.equal(undefined);
    cache.set('c', entry(undefined)); // a is still the least recently used
    expect(cache.get('a', new Uint8Array([1]), 0, 0)).to.equal(undefined);
    expect(cache.get('b', new Uint8Array(0), 0, 0)).to.not.equal(undefined);
  });

  it('a cycle of as many tokens as entries hits on every pass after the first', () => {
    const cache = new VerifiedTokenCache(100);
    for (let i = 0; i < 100; i += 1) cache.set(`t${i}`, entry(undefined));
    let hits = 0;
    for (let pass = 0; pass < 3; pass += 1) for (let i = 0; i < 100; i += 1) if (cache.get(`t${i}`, new Uint8Array(0), 0, 0)) hits += 1;
    expect(hits).to.equal(300);
  });

  it('drops an entry once its exp (plus leeway) has passed', () => {
    const cache = new VerifiedTokenCache(10);
    cache.set('a', entry(1_000));
    expect(cache.get('a', new Uint8Array(0), 1_500, 1_000)).to.not.equal(undefined);
    expect(cache.get('a', new Uint8Array(0), 2_500, 1_000)).to.equal(undefined);
    expect(cache.size).to.equal(0);
  });

  it('misses for another implicit assertion', () => {
    const cache = new VerifiedTokenCache(10);
    cache.set('a', entry(undefined, new Uint8Array([1])));
    expect(cache.get('a', new Uint8Array([2]), 0, 0)).to.equal(undefined);
    expect(cache.get('a', new Uint8Array([1]), 0, 0)).to.not.equal(undefined);
  });
});
