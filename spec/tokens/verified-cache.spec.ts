/**
 * The verified-token cache never accepts what a miss would refuse. spec/service.spec.ts covers the
 * implicit assertion, revocation, type and expiry on a hit; these cover the base64 flag and the
 * cache's scope (one service instance, its own keys and claim rules).
 */
import { expect } from 'chai';
import { PasetoAuthService } from '../../src/service';
import type { VerifyTokenOptions } from '../../src/tokens/types';

const KEY = `k4.local.${Buffer.alloc(32, 7).toString('base64url')}`;
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
