import { expect } from 'chai';
import { Container } from 'typedi';
import { PASETO_CONFIG, PasetoAuthService } from '../src/service';
import { AuthPasetoError, ErrorMessages, PasetoConfigError } from '../src/errors';
import { createTestAuth, TestClock } from '../src/testing';
import { generateKeys } from '../src/keys/generate';
import { encodeToken } from '../src/tokens/protocol';
import { KeyRing } from '../src/keys/key-ring';
import type { DenylistStore, RevocableToken } from '../src/denylist/store';
import type { PasetoAuthOptions, PasetoPurpose, PasetoVersion } from '../src/config/options';
import { LOCAL_KEY, expectCode, failure } from './helpers/keys';


function service(options: PasetoAuthOptions = {}): PasetoAuthService {
  return new PasetoAuthService({ secretKey: LOCAL_KEY, ...options });
}

function keysFor(version: PasetoVersion, purpose: PasetoPurpose): PasetoAuthOptions {
  const generated = generateKeys({ version, purpose });
  return purpose === 'local'
    ? { version, purpose, secretKey: generated.secretKey }
    : { version, purpose, privateKey: generated.privateKey, publicKey: generated.publicKey };
}

describe('PasetoAuthService', () => {
  describe('round trips for each version and purpose', () => {
    for (const version of [3, 4] as const) {
      for (const purpose of ['local', 'public'] as const) {
        it(`v${version}.${purpose}: claims, footer, implicit assertion, base64, audience list, issuer`, async () => {
          const auth = new PasetoAuthService({ ...keysFor(version, purpose), decodeAudience: 'api', decodeIssuer: 'issuer.test' });
          const token = await auth.createAccessToken({
            subject: 42,
            fresh: true,
            audience: ['web', 'api'],
            issuer: 'issuer.test',
            userClaims: { roles: ['admin'], plan: { tier: 'pro' } },
            footer: { app: 'demo' },
            implicitAssertion: 'tenant-1',
            base64Encode: true,
          });
          expect(token).to.match(/^[A-Za-z0-9+/]+=*$/);
          const verified = await auth.verifyToken(token, { base64Encoded: true, implicitAssertion: 'tenant-1', fresh: true });
          expect(verified.token.startsWith(`v${version}.${purpose}.`)).to.equal(true);
          expect(verified).to.include({ subject: 42, type: 'access', fresh: true, version, purpose });
          expect(verified.footer).to.deep.equal({ app: 'demo' });
          expect(verified.claims).to.include({ iss: 'issuer.test' });
          expect(verified.claims.aud).to.deep.equal(['web', 'api']);
          expect(verified.claims.plan).to.deep.equal({ tier: 'pro' });
          expect(verified.jti).to.match(/^[0-9a-f-]{36}$/);
          expect(verified.kid).to.equal(auth.keyIds[0]);
          await expectCode(auth.verifyToken(token, { base64Encoded: true, implicitAssertion: 'tenant-2' }), 'invalid_token');
        });
      }
    }
  });

  describe('claims on creation', () => {
    it('sets sub, type, fresh, jti, iat, nbf, exp from config lifetimes, iss from encodeIssuer', async () => {
      const auth = service({ encodeIssuer: 'me', accessTokenExpires: 60, decodeIssuer: 'me' });
      const before = Date.now();
      const access = await auth.verifyToken(await auth.createAccessToken({ subject: 'alice' }));
      expect(access.claims).to.include({ sub: 'alice', type: 'access', fresh: false, iss: 'me' });
      // iat to the millisecond (subject revocation cut-offs), nbf to the second (its millisecond floored)
      expect(access.claims.iat).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(access.claims.nbf).to.equal((access.claims.iat as string).replace(/\.\d{3}Z$/, 'Z'));
      const lifetime = (access.expiresAt as Date).getTime() - Math.floor(before / 1000) * 1000;
      expect(lifetime).to.be.within(59_000, 61_000);
      const refresh = await auth.verifyToken(await auth.createRefreshToken({ subject: 'alice' }), { refreshToken: true });
      expect(refresh.claims).to.not.have.property('fresh');
      expect(refresh.claims.iss).to.equal('me');
      expect((refresh.expiresAt as Date).getTime() - before).to.be.greaterThan(29 * 24 * 3600 * 1000);
    });

    it('makes tokens without exp when asked, and refuses them only with requireExpiry', async () => {
      const auth = service();
      const token = await auth.createToken({ subject: 'svc', type: 'api-key', expiresIn: false });
      const verified = await auth.verifyToken(token, { type: 'api-key' });
      expect(verified.expiresAt).to.equal(null);
      expect(verified.claims).to.not.have.property('exp');
      const strict = service({ requireExpiry: true });
      await expectCode(strict.verifyToken(token, { type: 'api-key' }), 'invalid_token', ErrorMessages.expiryMissing);
    });

    it('accepts an absolute expiry Date', async () => {
      const auth = service();
      const at = new Date(Date.now() + 120_000);
      const verified = await auth.verifyToken(await auth.createAccessToken({ subject: 'a', expiresIn: at }));
      expect(Math.abs((verified.expiresAt as Date).getTime() - at.getTime())).to.be.lessThan(1000);
    });

    it('refuses reserved user claims, naming them', async () => {
      const auth = service();
      let caught: unknown;
      try {
        await auth.createAccessToken({ subject: 'a', userClaims: { exp: 1, sub: 'x', ok: true } });
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(TypeError);
      expect((caught as Error).message).to.contain('exp, sub');
    });

    it('refuses bad subjects, audiences and expiries with a TypeError', async () => {
      const auth = service();
      for (const bad of [
        { subject: '' },
        { subject: 1.5 },
        { subject: 'a', audience: [] as string[] },
        { subject: 'a', expiresIn: 1e20 },
        { subject: 'a', expiresIn: new Date(Number.NaN) },
        { subject: 'a', expiresIn: Number.NaN },
      ]) {
        let caught: unknown;
        try {
          await auth.createAccessToken(bad);
        } catch (error) {
          caught = error;
        }
        expect(caught, JSON.stringify(bad)).to.be.instanceOf(TypeError);
      }
    });

    it('keeps string and byte footers as given', async () => {
      const auth = service();
      const text = await auth.verifyToken(await auth.createAccessToken({ subject: 'a', footer: 'plain footer' }));
      expect(text.footer).to.equal('plain footer');
      const bytes = await auth.verifyToken(await auth.createAccessToken({ subject: 'a', footer: new TextEncoder().encode('{"k":1}') }));
      expect(bytes.footer).to.deep.equal({ k: 1 });
      const none = await auth.verifyToken(await auth.createAccessToken({ subject: 'a' }));
      expect(none.footer).to.equal(null);
    });

    it('creates public tokens beside local ones when both keys are configured', async () => {
      const pair = generateKeys({ version: 4, purpose: 'public' });
      const auth = service({ privateKey: pair.privateKey });
      const token = await auth.createAccessToken({ subject: 'a', purpose: 'public' });
      expect(token.startsWith('v4.public.')).to.equal(true);
      expect((await auth.verifyToken(token)).purpose).to.equal('public');
    });
  });

  describe('verification failures (DESIGN §3)', () => {
    it('token_missing for an empty token', async () => {
      await expectCode(service().verifyToken(''), 'token_missing', ErrorMessages.tokenMissing);
    });

    it('invalid_token for garbage, another key, and bad base64', async () => {
      const auth = service();
      await expectCode(auth.verifyToken('not.a.token.at.all'), 'invalid_token', ErrorMessages.invalidFormat);
      const other = new PasetoAuthService(keysFor(4, 'local'));
      await expectCode(auth.verifyToken(await other.createAccessToken({ subject: 'a' })), 'invalid_token', ErrorMessages.decryptFailed);
      await expectCode(auth.verifyToken('%%%', { base64Encoded: true }), 'invalid_token', ErrorMessages.invalidBase64);
      await expectCode(auth.verifyToken(Buffer.from([0xff, 0xfe]).toString('base64'), { base64Encoded: true }), 'invalid_token', ErrorMessages.invalidBase64);
    });

    it('invalid_token "Failed to verify." for a public token signed by another key', async () => {
      const auth = new PasetoAuthService(keysFor(4, 'public'));
      const other = new PasetoAuthService(keysFor(4, 'public'));
      await expectCode(auth.verifyToken(await other.createAccessToken({ subject: 'a' })), 'invalid_token', ErrorMessages.verifyFailed);
    });

    it('invalid_version and invalid_purpose for versions and purposes not configured', async () => {
      const auth = service();
      await expectCode(auth.verifyToken('v2.local.AAAA'), 'invalid_version', 'Invalid PASETO version v2');
      await expectCode(auth.verifyToken('v1.public.AAAA'), 'invalid_version', 'Invalid PASETO version v1');
      const v3 = new PasetoAuthService(keysFor(3, 'local'));
      await expectCode(auth.verifyToken(await v3.createAccessToken({ subject: 'a' })), 'invalid_version', 'Invalid PASETO version v3');
      const pub = new PasetoAuthService(keysFor(4, 'public'));
      await expectCode(auth.verifyToken(await pub.createAccessToken({ subject: 'a' })), 'invalid_purpose', 'Invalid PASETO purpose public');
      await expectCode(auth.verifyToken('v4.secret.AAAA'), 'invalid_purpose', 'Invalid PASETO purpose secret');
    });

    it('token_expired, honouring decodeLeeway', async () => {
      const token = await service().createAccessToken({ subject: 'a', expiresIn: -1 });
      await expectCode(service().verifyToken(token), 'token_expired', ErrorMessages.expired);
      expect((await service({ decodeLeeway: 3 }).verifyToken(token)).subject).to.equal('a');
    });

    it('leeway to the second: expired 1 s ago passes with 2 s of leeway, fails without, and 2 s later fails', async () => {
      const clock = new TestClock(Date.UTC(2030, 0, 1));
      const token = await service({ clock }).createAccessToken({ subject: 'a', expiresIn: 0 });
      const lenient = service({ decodeLeeway: 2, verifiedTokenCacheSize: 0, clock });
      clock.advance(1000);
      expect((await lenient.verifyToken(token)).subject).to.equal('a');
      await expectCode(service({ clock }).verifyToken(token), 'token_expired');
      clock.advance(1001);
      await expectCode(lenient.verifyToken(token), 'token_expired');
    });

    it('token_not_active for a token whose nbf is ahead, honouring leeway', async () => {
      const auth = service();
      const ring = KeyRing.fromOptions([{ version: 4, purpose: 'local', secretKey: LOCAL_KEY }], () => '');
      const nbf = new Date(Date.now() + 60_000).toISOString();
      const payload = new TextEncoder().encode(JSON.stringify({ sub: 'a', type: 'access', jti: 'j', nbf }));
      const token = encodeToken(ring.signer, payload, new Uint8Array(0), new Uint8Array(0));
      await expectCode(auth.verifyToken(token), 'token_not_active', ErrorMessages.notActive);
      expect((await service({ decodeLeeway: 120 }).verifyToken(token)).subject).to.equal('a');
    });

    it('invalid_issuer when iss is missing or not accepted', async () => {
      const auth = service({ decodeIssuer: ['a.test', 'b.test'] });
      await expectCode(auth.verifyToken(await auth.createAccessToken({ subject: 'a' })), 'invalid_issuer', ErrorMessages.issuerMissing);
      await expectCode(auth.verifyToken(await auth.createAccessToken({ subject: 'a', issuer: 'c.test' })), 'invalid_issuer', ErrorMessages.issuerInvalid);
      expect((await auth.verifyToken(await auth.createAccessToken({ subject: 'a', issuer: 'b.test' }))).claims.iss).to.equal('b.test');
    });

    it('invalid_audience when no audience is shared, or the service names none', async () => {
      const auth = service({ decodeAudience: ['api', 'admin'] });
      expect((await auth.verifyToken(await auth.createAccessToken({ subject: 'a', audience: 'admin' }))).subject).to.equal('a');
      expect((await auth.verifyToken(await auth.createAccessToken({ subject: 'a', audience: ['x', 'api'] }))).subject).to.equal('a');
      await expectCode(auth.verifyToken(await auth.createAccessToken({ subject: 'a', audience: ['x', 'y'] })), 'invalid_audience', ErrorMessages.audienceInvalid);
      await expectCode(auth.verifyToken(await auth.createAccessToken({ subject: 'a' })), 'invalid_audience');
      const open = service();
      await expectCode(open.verifyToken(await open.createAccessToken({ subject: 'a', audience: 'api' })), 'invalid_audience');
    });

    it('wrong_token_type with fastapi-paseto messages', async () => {
      const auth = service();
      const access = await auth.createAccessToken({ subject: 'a' });
      const refresh = await auth.createRefreshToken({ subject: 'a' });
      const custom = await auth.createToken({ subject: 'a', type: 'reset' });
      await expectCode(auth.verifyToken(refresh), 'wrong_token_type', 'Access token required but refresh provided');
      await expectCode(auth.verifyToken(access, { refreshToken: true }), 'wrong_token_type', 'Refresh token required but access provided');
      await expectCode(auth.verifyToken(access, { type: 'reset' }), 'wrong_token_type', 'reset token required but access provided');
      expect((await auth.verifyToken(custom, { type: 'reset' })).type).to.equal('reset');
    });

    it('fresh_token_required for a non-fresh access token', async () => {
      const auth = service();
      await expectCode(auth.verifyToken(await auth.createAccessToken({ subject: 'a' }), { fresh: true }), 'fresh_token_required', ErrorMessages.notFresh);
    });

    it('invalid_argument for fresh together with refreshToken', async () => {
      const auth = service();
      const token = await auth.createAccessToken({ subject: 'a', fresh: true });
      await expectCode(auth.verifyToken(token, { fresh: true, refreshToken: true }), 'invalid_argument', ErrorMessages.freshAndRefresh);
    });

    it('insufficient_role, with roles from a list or a space-separated scope', async () => {
      const auth = service();
      const verified = await auth.verifyToken(await auth.createAccessToken({ subject: 'a', userClaims: { roles: ['admin', 'ops'] } }));
      auth.checkRoles(verified, { all: ['admin', 'ops'] });
      auth.checkRoles(verified, { any: ['root', 'ops'] });
      expect(() => auth.checkRoles(verified, { all: ['admin', 'root'] })).to.throw(AuthPasetoError, ErrorMessages.insufficientRole);
      expect(() => auth.checkRoles(verified, { any: ['root'] })).to.throw(AuthPasetoError);
      expect(() => auth.checkRoles(null, { all: ['admin'] })).to.throw(AuthPasetoError, ErrorMessages.tokenMissing);
      auth.checkRoles(null, {});
      const scoped = service({ rolesClaim: 'scope' });
      const token = await scoped.verifyToken(await scoped.createAccessToken({ subject: 'a', userClaims: { scope: 'read write' } }));
      expect(scoped.rolesOf(token)).to.deep.equal(['read', 'write']);
      let status = 0;
      try {
        auth.checkRoles(verified, { all: ['root'] });
      } catch (error) {
        status = (error as AuthPasetoError).httpCode;
      }
      expect(status).to.equal(403);
    });

    it('applies statusCodes overrides to every error', async () => {
      const auth = service({ statusCodes: { invalid_token: 422, token_missing: 422 } });
      expect((await expectCode(auth.verifyToken('v4.local.garbage'), 'invalid_token')).httpCode).to.equal(422);
      expect((await expectCode(auth.authenticate(undefined), 'token_missing')).httpCode).to.equal(422);
      expect((await expectCode(auth.verifyToken(await auth.createAccessToken({ subject: 'a', expiresIn: -5 })), 'token_expired')).httpCode).to.equal(401);
    });

    it('never puts the token in a message', async () => {
      const auth = service();
      const token = await auth.createRefreshToken({ subject: 'a' });
      for (const attempt of [auth.verifyToken(token), auth.verifyToken(`${token}x`), auth.verifyToken(token, { type: 'x' })]) {
        const error = await failure(attempt);
        expect(error.message).to.not.contain(token.slice(10, 40));
        expect(JSON.stringify(error.toJSON())).to.not.contain(token.slice(10, 40));
      }
    });
  });

  describe('authenticate (a route requirement)', () => {
    it('token_missing, or null when optional', async () => {
      const auth = service();
      await expectCode(auth.authenticate(undefined), 'token_missing');
      expect(await auth.authenticate(undefined, { optional: true })).to.equal(null);
    });

    it('optional: an undecodable or expired token is anonymous; wrong type, not fresh, revoked still fail', async () => {
      const auth = service({ denylistEnabled: true });
      expect(await auth.authenticate('v4.local.garbage', { optional: true })).to.equal(null);
      expect(await auth.authenticate(await auth.createAccessToken({ subject: 'a', expiresIn: -1 }), { optional: true })).to.equal(null);
      await expectCode(auth.authenticate(await auth.createRefreshToken({ subject: 'a' }), { optional: true }), 'wrong_token_type');
      await expectCode(auth.authenticate(await auth.createAccessToken({ subject: 'a' }), { optional: true, fresh: true }), 'fresh_token_required');
      const revoked = await auth.createAccessToken({ subject: 'a' });
      await auth.revokeToken(revoked);
      await expectCode(auth.authenticate(revoked, { optional: true }), 'token_revoked');
      expect((await auth.authenticate(await auth.createAccessToken({ subject: 'b' }), { optional: true }))?.subject).to.equal('b');
    });
  });

  describe('authenticate: what an optional route treats as anonymous', () => {
    it('a token of another issuer, audience, or not yet active is anonymous', async () => {
      const auth = service({ decodeIssuer: 'me', decodeAudience: 'api' });
      const optional = { optional: true };
      expect(await auth.authenticate(await auth.createAccessToken({ subject: 'a', issuer: 'other', audience: 'api' }), optional)).to.equal(null);
      expect(await auth.authenticate(await auth.createAccessToken({ subject: 'a', issuer: 'me', audience: 'web' }), optional)).to.equal(null);
      const ring = KeyRing.fromOptions([{ version: 4, purpose: 'local', secretKey: LOCAL_KEY }], () => '');
      const payload = new TextEncoder().encode(JSON.stringify({ sub: 'a', type: 'access', jti: 'j', iss: 'me', aud: 'api', nbf: new Date(Date.now() + 60_000).toISOString() }));
      expect(await auth.authenticate(encodeToken(ring.signer, payload, new Uint8Array(0), new Uint8Array(0)), optional)).to.equal(null);
    });

    it('a token of a version or purpose not configured still fails', async () => {
      const auth = service();
      await expectCode(auth.authenticate(await new PasetoAuthService(keysFor(3, 'local')).createAccessToken({ subject: 'a' }), { optional: true }), 'invalid_version');
      await expectCode(auth.authenticate(await new PasetoAuthService(keysFor(4, 'public')).createAccessToken({ subject: 'a' }), { optional: true }), 'invalid_purpose');
    });
  });

  describe('clock option', () => {
    it('a test clock drives iat, exp and expiry, with no real waiting', async () => {
      const start = Date.UTC(2031, 5, 1, 8, 0, 0);
      const { auth, clock, accessToken } = createTestAuth({ clock: new TestClock(start), accessTokenExpires: 60 });
      expect(auth.clock).to.equal(clock);
      const token = await accessToken('a');
      const verified = await auth.verifyToken(token);
      expect(verified.claims.iat).to.equal('2031-06-01T08:00:00.000Z');
      expect(verified.expiresAt?.getTime()).to.equal(start + 60_000);
      clock.advance(60_000);
      expect((await auth.verifyToken(token)).subject).to.equal('a');
      clock.advance(1);
      await expectCode(auth.verifyToken(token), 'token_expired', ErrorMessages.expired);
    });

    it('the default in-memory denylist forgets a revocation on the service clock', async () => {
      const { auth, clock, accessToken } = createTestAuth({ denylistEnabled: true, decodeLeeway: 10, accessTokenExpires: 5 });
      const token = await accessToken('a');
      const verified = await auth.verifyToken(token);
      await auth.revokeToken(verified);
      clock.advance(15_000);
      expect(await auth.isRevoked(verified)).to.equal(true);
      clock.advance(1);
      expect(await auth.isRevoked(verified)).to.equal(false);
    });

    it('refuses a value that is no clock, naming the field', () => {
      expect(() => service({ clock: { now: 5 } as never })).to.throw(PasetoConfigError, 'clock');
    });
  });

  describe('denylist', () => {
    it('keeps a revocation through the leeway after exp, while the token would still verify', async () => {
      const clock = new TestClock();
      const auth = service({ denylistEnabled: true, decodeLeeway: 30, clock });
      const token = await auth.createAccessToken({ subject: 'a', expiresIn: 2 });
      await auth.revokeToken(token);
      clock.advance(10_000);
      await expectCode(auth.verifyToken(token), 'token_revoked');
    });

    it('revokes tokens made with an implicit assertion or base64, and refuses to revoke a token without jti', async () => {
      // requireJti off, so the foreign token without jti verifies and reaches revokeToken.
      const auth = service({ denylistEnabled: true, requireJti: false });
      const bound = await auth.createAccessToken({ subject: 'a', implicitAssertion: 'tenant', base64Encode: true });
      await auth.revokeToken(bound, { implicitAssertion: 'tenant', base64Encoded: true });
      await expectCode(auth.verifyToken(bound, { implicitAssertion: 'tenant', base64Encoded: true }), 'token_revoked');
      const ring = KeyRing.fromOptions([{ version: 4, purpose: 'local', secretKey: LOCAL_KEY }], () => '');
      const foreign = encodeToken(ring.signer, new TextEncoder().encode(JSON.stringify({ sub: 'a', type: 'access' })), new Uint8Array(0), new Uint8Array(0));
      let caught: unknown;
      try {
        await auth.revokeToken(foreign);
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(TypeError);
      expect((await auth.verifyToken(foreign)).jti).to.equal(null);
    });

    it('revokes access and refresh tokens; denylistTokenChecks limits what is checked', async () => {
      const auth = service({ denylistEnabled: true, denylistTokenChecks: ['refresh'] });
      const access = await auth.createAccessToken({ subject: 'a' });
      const refresh = await auth.createRefreshToken({ subject: 'a' });
      expect(await auth.revokeToken(access)).to.equal(false);
      expect(await auth.revokeToken(await auth.verifyToken(refresh, { refreshToken: true }))).to.equal(true);
      expect((await auth.verifyToken(access)).subject).to.equal('a');
      await expectCode(auth.verifyToken(refresh, { refreshToken: true }), 'token_revoked', ErrorMessages.revoked);
    });

    it('is not consulted when denylistEnabled is false, and revoking then is a configuration error', async () => {
      const calls: string[] = [];
      const store: DenylistStore = { isRevoked: (token) => (calls.push(token.jti ?? ''), true), revoke: () => undefined };
      const auth = service({ denylist: store });
      expect((await auth.verifyToken(await auth.createAccessToken({ subject: 'a' }))).subject).to.equal('a');
      expect(calls).to.deep.equal([]);
      let caught: unknown;
      try {
        await auth.revokeToken(await auth.createAccessToken({ subject: 'a' }));
      } catch (error) {
        caught = error;
      }
      expect((caught as Error).name).to.equal('PasetoConfigError');
    });

    it('works with an async store and an async tokenInDenylistLoader', async () => {
      const revoked = new Map<string, Date | null>();
      const store: DenylistStore = {
        isRevoked: async (token: RevocableToken) => revoked.has(token.jti ?? ''),
        revoke: async (jti, expiresAt) => void revoked.set(jti, expiresAt),
      };
      const loaderSeen: string[] = [];
      const auth = service({
        denylistEnabled: true,
        denylist: store,
        tokenInDenylistLoader: async (token) => (loaderSeen.push(token.type), token.claims.banned === true),
      });
      const token = await auth.createAccessToken({ subject: 'a' });
      const verified = await auth.verifyToken(token);
      await auth.revokeToken(token);
      expect(revoked.get(verified.jti ?? '')?.getTime()).to.equal(verified.expiresAt?.getTime());
      await expectCode(auth.verifyToken(token), 'token_revoked');
      await expectCode(auth.verifyToken(await auth.createAccessToken({ subject: 'b', userClaims: { banned: true } })), 'token_revoked');
      expect(loaderSeen).to.include('access');
    });

    it('fails closed with denylist_unavailable (503) when the store throws or rejects', async () => {
      for (const isRevoked of [
        (): boolean => {
          throw new Error('redis down');
        },
        (): Promise<boolean> => Promise.reject(new Error('redis down')),
      ]) {
        const auth = service({ denylistEnabled: true, denylist: { isRevoked, revoke: () => Promise.reject(new Error('down')) } });
        const token = await auth.createAccessToken({ subject: 'a' });
        const error = await expectCode(auth.verifyToken(token), 'denylist_unavailable', ErrorMessages.denylistUnavailable);
        expect(error.httpCode).to.equal(503);
        await expectCode(auth.revokeToken(token), 'denylist_unavailable');
      }
    });
  });

  describe('verified-token cache', () => {
    it('serves a repeated token without the cryptography but still checks the denylist and type', async () => {
      const auth = service({ denylistEnabled: true });
      const token = await auth.createAccessToken({ subject: 'a' });
      const first = await auth.verifyToken(token);
      expect(await auth.verifyToken(token)).to.equal(first);
      await expectCode(auth.verifyToken(token, { type: 'refresh' }), 'wrong_token_type');
      await auth.revokeToken(first);
      await expectCode(auth.verifyToken(token), 'token_revoked');
    });

    it('re-checks expiry on a hit', async () => {
      const { auth, clock, accessToken } = createTestAuth({ accessTokenExpires: 1 });
      const token = await accessToken('a');
      await auth.verifyToken(token);
      clock.advance(5_000);
      await expectCode(auth.verifyToken(token), 'token_expired');
    });

    it('does not let a hit skip the implicit assertion', async () => {
      const auth = service();
      const token = await auth.createAccessToken({ subject: 'a', implicitAssertion: 'one' });
      await auth.verifyToken(token, { implicitAssertion: 'one' });
      await expectCode(auth.verifyToken(token, { implicitAssertion: 'two' }), 'invalid_token');
      await expectCode(auth.verifyToken(token), 'invalid_token');
    });

    it('hands out claims and footers frozen all the way down, so no request changes what the next one sees', async () => {
      const auth = service();
      const token = await auth.createAccessToken({ subject: 'a', userClaims: { roles: ['user'], profile: { tier: 'free' } }, footer: { meta: { v: 1 } } });
      const first = await auth.verifyToken(token);
      expect(() => (first.claims.roles as string[]).push('admin')).to.throw(TypeError);
      expect(() => {
        (first.claims.profile as { tier: string }).tier = 'pro';
      }).to.throw(TypeError);
      expect(() => {
        ((first.footer as { meta: { v: number } }).meta).v = 2;
      }).to.throw(TypeError);
      const again = await auth.verifyToken(token);
      expect(again.claims.roles).to.deep.equal(['user']);
      expect(() => auth.checkRoles(again, { all: ['admin'] })).to.throw(AuthPasetoError);
    });

    it('can be turned off', async () => {
      const auth = service({ verifiedTokenCacheSize: 0 });
      const token = await auth.createAccessToken({ subject: 'a' });
      expect(await auth.verifyToken(token)).to.not.equal(await auth.verifyToken(token));
    });
  });

  describe('key rotation', () => {
    it('signs with the first key, names it in the footer, and keeps verifying with a retired key', async () => {
      const oldKey = generateKeys({ version: 4, purpose: 'local' });
      const newKey = generateKeys({ version: 4, purpose: 'local' });
      const before = new PasetoAuthService({ keys: [{ secretKey: oldKey.secretKey }] });
      const oldToken = await before.createAccessToken({ subject: 'a', footer: { app: 'x' } });
      expect((await before.verifyToken(oldToken)).footer).to.deep.equal({ app: 'x', kid: oldKey.kid });

      const during = new PasetoAuthService({ keys: [{ secretKey: newKey.secretKey }, { secretKey: oldKey.secretKey }] });
      expect((await during.verifyToken(oldToken)).kid).to.equal(oldKey.kid);
      const newToken = await during.createAccessToken({ subject: 'a' });
      expect((await during.verifyToken(newToken)).kid).to.equal(newKey.kid);

      const after = new PasetoAuthService({ keys: [{ secretKey: newKey.secretKey }] });
      await expectCode(after.verifyToken(oldToken), 'invalid_token');
      expect((await after.verifyToken(newToken)).subject).to.equal('a');
    });

    it('mixes versions and purposes in one ring, accepting only those configured', async () => {
      const local = generateKeys({ version: 4, purpose: 'local' });
      const pair = generateKeys({ version: 3, purpose: 'public' });
      const auth = new PasetoAuthService({ keys: [{ secretKey: local.secretKey }, { version: 3, purpose: 'public', publicKey: pair.publicKey }] });
      const signer = new PasetoAuthService({ version: 3, purpose: 'public', privateKey: pair.privateKey });
      expect((await auth.verifyToken(await signer.createAccessToken({ subject: 'a' }))).version).to.equal(3);
      await expectCode(auth.verifyToken(await new PasetoAuthService(keysFor(3, 'local')).createAccessToken({ subject: 'a' })), 'invalid_purpose');
    });
  });

  describe('typedi', () => {
    afterEach(() => Container.reset());

    it('is built by the container from PASETO_CONFIG', async () => {
      Container.set(PASETO_CONFIG, { secretKey: LOCAL_KEY, encodeIssuer: 'di' });
      const auth = Container.get(PasetoAuthService);
      expect(auth).to.equal(Container.get(PasetoAuthService));
      expect((await auth.verifyToken(await auth.createAccessToken({ subject: 'a' }))).claims.iss).to.equal('di');
    });
  });
});
