import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { DenylistStore, RevocableToken } from '../../src/denylist/store';
import type { PasetoAuthOptions } from '../../src/config/options';
import type { PasetoSocketMiddlewareOptions } from '../../src/socket/middleware';
import { pasetoSocketMiddleware } from '../../src/socket/middleware';
import type { PasetoAuthService } from '../../src/service';
import {
  ask,
  closeClients,
  craftLocalToken,
  expected,
  refusalOf,
  startServer,
  testService,
  tryConnect,
  TRANSPORTS,
  type ClientOptions,
  type ClientSet,
  type ConnectResult,
  type Refusal,
  type TestServer,
} from './helpers';
import { guardRoot, Refused, track, type ConnectionLog, type Whoami } from './fixtures';

const iso = (offsetSeconds: number) => new Date(Date.now() + offsetSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

for (const transport of TRANSPORTS) {
  describe(`socket middleware over ${transport}`, function () {
    const clients: ClientSet = new Set();
    const servers: TestServer[] = [];
    let log: ConnectionLog;

    beforeEach(() => {
      log = [];
    });
    afterEach(async () => {
      closeClients(clients);
      await Promise.all(servers.splice(0).map((server) => server.close()));
    });

    /** A server whose `/` requires `options` of `auth`. */
    async function guarded(auth: PasetoAuthService, options: Omit<PasetoSocketMiddlewareOptions, 'auth'> = {}): Promise<TestServer> {
      const server = await startServer((io) => guardRoot(io, { auth, ...options }, log));
      servers.push(server);
      return server;
    }
    const connect = (server: TestServer, options: ClientOptions, nsp = '/'): Promise<ConnectResult> => tryConnect(clients, server.url, nsp, transport, options);

    async function expectConnected(result: ConnectResult): Promise<Whoami> {
      if (!result.connected) expect.fail(`refused: ${result.message} ${JSON.stringify(result.data)}`);
      return ask<Whoami>(result.socket, 'whoami');
    }
    function expectRefused(result: ConnectResult, refusal: Refusal): void {
      expect(refusalOf(result)).to.deep.equal(expected(refusal));
    }

    describe('locations', () => {
      const auth = testService();

      it('reads auth.token, the Authorization header and ?token=', async () => {
        const server = await guarded(auth);
        const token = await auth.createAccessToken({ subject: 'alice' });
        expect((await expectConnected(await connect(server, { auth: { token } }))).subject).to.equal('alice');
        expect((await expectConnected(await connect(server, { auth: { token: `Bearer ${token}` } }))).subject).to.equal('alice');
        expect((await expectConnected(await connect(server, { headers: { Authorization: `Bearer ${token}` } }))).subject).to.equal('alice');
        expect((await expectConnected(await connect(server, { query: { token } }))).subject).to.equal('alice');
      });

      it('default precedence: auth, then headers, then query; the first value found decides', async () => {
        const server = await guarded(auth);
        const good = await auth.createAccessToken({ subject: 'alice' });
        const bad = 'v4.local.AAAA';
        expect((await expectConnected(await connect(server, { auth: { token: good }, headers: { Authorization: `Bearer ${bad}` }, query: { token: bad } }))).subject).to.equal('alice');
        expectRefused(await connect(server, { auth: { token: bad }, headers: { Authorization: `Bearer ${good}` } }), Refused.format);
        expect((await expectConnected(await connect(server, { headers: { Authorization: `Bearer ${good}` }, query: { token: bad } }))).subject).to.equal('alice');
        expectRefused(await connect(server, { headers: { Authorization: `Bearer ${bad}` }, query: { token: good } }), Refused.format);
        // a malformed value is not skipped for a later location
        expectRefused(await connect(server, { auth: { token: 'a b' }, query: { token: good } }), Refused.badAuthValue);
      });

      it('per-middleware location reorders and restricts the search', async () => {
        const server = await guarded(auth, { location: ['query', 'headers'] });
        const good = await auth.createAccessToken({ subject: 'alice' });
        const bad = 'v4.local.AAAA';
        expectRefused(await connect(server, { headers: { Authorization: `Bearer ${good}` }, query: { token: bad } }), Refused.format);
        expect((await expectConnected(await connect(server, { headers: { Authorization: `Bearer ${bad}` }, query: { token: good } }))).subject).to.equal('alice');
        expectRefused(await connect(server, { auth: { token: good } }), Refused.missing);
      });

      it('configured websocketTokenLocation, headerName/headerType, websocketQueryKey/websocketQueryType', async () => {
        const custom = testService({ websocketTokenLocation: ['query', 'headers'], headerName: 'X-Paseto', headerType: null, websocketQueryKey: 'access', websocketQueryType: 'Token' });
        const server = await guarded(custom);
        const good = await custom.createAccessToken({ subject: 'bob' });
        expectRefused(await connect(server, { auth: { token: good } }), Refused.missing);
        expect((await expectConnected(await connect(server, { headers: { 'X-Paseto': good } }))).subject).to.equal('bob');
        expect((await expectConnected(await connect(server, { query: { access: `Token ${good}` } }))).subject).to.equal('bob');
        expectRefused(await connect(server, { query: { access: good } }), { code: 'bad_header', status: 400, message: "Bad access query param. Expected value 'Token <PASETO>'" });
        expectRefused(await connect(server, { headers: { 'X-Paseto': `Bearer ${good}` } }), { code: 'bad_header', status: 400, message: "Bad X-Paseto header. Expected value '<PASETO>'" });
      });

      it('tokenKey and tokenPrefix per middleware', async () => {
        const server = await guarded(auth, { tokenKey: 'access_token', tokenPrefix: 'Token' });
        const good = await auth.createAccessToken({ subject: 'carol' });
        expect((await expectConnected(await connect(server, { auth: { access_token: `Token ${good}` } }))).subject).to.equal('carol');
        expect((await expectConnected(await connect(server, { query: { access_token: `Token ${good}` } }))).subject).to.equal('carol');
        expectRefused(await connect(server, { auth: { access_token: good } }), { code: 'bad_header', status: 400, message: "Bad auth.access_token value. Expected value 'Token <PASETO>'" });
        expectRefused(await connect(server, { auth: { token: `Token ${good}` } }), Refused.missing);
      });

      it('malformed values in each location are bad_header', async () => {
        const server = await guarded(auth);
        expectRefused(await connect(server, { auth: { token: 'two parts' } }), Refused.badAuthValue);
        expectRefused(await connect(server, { auth: { token: 42 } }), Refused.badAuthValue);
        expectRefused(await connect(server, { headers: { Authorization: 'Test asd' } }), Refused.badAuthHeader);
        expectRefused(await connect(server, { headers: { Authorization: 'Bearer' } }), Refused.badAuthHeader);
        expectRefused(await connect(server, { query: { token: 'a b' } }), Refused.badQuery);
      });
    });

    describe('parity with HTTP (a good and a bad token each)', () => {
      it('optional: no token or an undecodable one is anonymous; revoked, wrong type and not fresh still fail', async () => {
        const auth = testService({ denylistEnabled: true });
        const server = await guarded(auth, { optional: true });
        const good = await auth.createAccessToken({ subject: 'alice' });
        expect((await expectConnected(await connect(server, {}))).subject).to.equal(null);
        expect((await expectConnected(await connect(server, { auth: { token: 'v4.local.AAAA' } }))).subject).to.equal(null);
        expect((await expectConnected(await connect(server, { auth: { token: await craftLocalToken({ sub: 'x', type: 'access', exp: iso(-60) }) } }))).subject).to.equal(null);
        expect((await expectConnected(await connect(server, { auth: { token: good } }))).subject).to.equal('alice');
        expectRefused(await connect(server, { auth: { token: await auth.createRefreshToken({ subject: 'alice' }) } }), Refused.accessNotRefresh);
        const revoked = await auth.createAccessToken({ subject: 'eve' });
        await auth.revokeToken(revoked);
        expectRefused(await connect(server, { auth: { token: revoked } }), Refused.revoked);

        const freshServer = await guarded(auth, { optional: true, fresh: true });
        expectRefused(await connect(freshServer, { auth: { token: good } }), Refused.notFresh);
        expect((await expectConnected(await connect(freshServer, {}))).subject).to.equal(null);
      });

      it('fresh', async () => {
        const auth = testService();
        const server = await guarded(auth, { fresh: true });
        const fresh = await auth.createAccessToken({ subject: 'alice', fresh: true });
        expect(await expectConnected(await connect(server, { auth: { token: fresh } }))).to.include({ subject: 'alice', fresh: true });
        expectRefused(await connect(server, { auth: { token: await auth.createAccessToken({ subject: 'alice' }) } }), Refused.notFresh);
      });

      it('refresh token', async () => {
        const auth = testService();
        const server = await guarded(auth, { refreshToken: true });
        expect(await expectConnected(await connect(server, { auth: { token: await auth.createRefreshToken({ subject: 'alice' }) } }))).to.include({ subject: 'alice', type: 'refresh' });
        expectRefused(await connect(server, { auth: { token: await auth.createAccessToken({ subject: 'alice' }) } }), Refused.refreshNotAccess);
        const access = await guarded(auth);
        expectRefused(await connect(access, { auth: { token: await auth.createRefreshToken({ subject: 'alice' }) } }), Refused.accessNotRefresh);
      });

      it('custom token type', async () => {
        const auth = testService();
        const server = await guarded(auth, { type: 'ws-ticket' });
        expect(await expectConnected(await connect(server, { auth: { token: await auth.createToken({ subject: 'alice', type: 'ws-ticket' }) } }))).to.include({ type: 'ws-ticket' });
        expectRefused(await connect(server, { auth: { token: await auth.createAccessToken({ subject: 'alice' }) } }), {
          code: 'wrong_token_type',
          status: 401,
          message: 'ws-ticket token required but access provided',
        });
      });

      it('denylist: access and refresh tokens, per denylistTokenChecks', async () => {
        const auth = testService({ denylistEnabled: true, denylistTokenChecks: ['access'] });
        const server = await guarded(auth);
        const refreshServer = await guarded(auth, { refreshToken: true });
        const kept = await auth.createAccessToken({ subject: 'alice' });
        const revoked = await auth.createAccessToken({ subject: 'eve' });
        await auth.revokeToken(revoked);
        expect((await expectConnected(await connect(server, { auth: { token: kept } }))).subject).to.equal('alice');
        expectRefused(await connect(server, { auth: { token: revoked } }), Refused.revoked);
        // refresh tokens are not in denylistTokenChecks here: a revoked one still passes
        const refresh = await auth.createRefreshToken({ subject: 'eve' });
        await auth.revokeToken(refresh);
        expect((await expectConnected(await connect(refreshServer, { auth: { token: refresh } }))).subject).to.equal('eve');
      });

      it('tokenInDenylistLoader', async () => {
        const auth = testService({ denylistEnabled: true, tokenInDenylistLoader: async (t) => t.claims.sub === 'eve' });
        const server = await guarded(auth);
        expect((await expectConnected(await connect(server, { auth: { token: await auth.createAccessToken({ subject: 'alice' }) } }))).subject).to.equal('alice');
        expectRefused(await connect(server, { auth: { token: await auth.createAccessToken({ subject: 'eve' }) } }), Refused.revoked);
      });

      it('issuer', async () => {
        const auth = testService({ decodeIssuer: 'issuer-a' });
        const server = await guarded(auth);
        expect((await expectConnected(await connect(server, { auth: { token: await auth.createAccessToken({ subject: 'alice', issuer: 'issuer-a' }) } }))).subject).to.equal('alice');
        expectRefused(await connect(server, { auth: { token: await auth.createAccessToken({ subject: 'alice', issuer: 'issuer-b' }) } }), Refused.issuerInvalid);
        expectRefused(await connect(server, { auth: { token: await auth.createAccessToken({ subject: 'alice' }) } }), Refused.issuerMissing);
      });

      it('audience', async () => {
        const auth = testService({ decodeAudience: ['chat', 'mail'] });
        const server = await guarded(auth);
        expect((await expectConnected(await connect(server, { auth: { token: await auth.createAccessToken({ subject: 'alice', audience: 'chat' }) } }))).subject).to.equal('alice');
        expectRefused(await connect(server, { auth: { token: await auth.createAccessToken({ subject: 'alice', audience: 'billing' }) } }), Refused.audience);
      });

      it('base64-encoded tokens', async () => {
        const auth = testService();
        const server = await guarded(auth, { base64Encoded: true });
        const encoded = await auth.createAccessToken({ subject: 'alice', base64Encode: true });
        expect((await expectConnected(await connect(server, { auth: { token: encoded } }))).subject).to.equal('alice');
        expectRefused(await connect(server, { auth: { token: 'not*base64' } }), Refused.base64);
      });

      it('footers are read back; a tampered footer fails', async () => {
        const auth = testService();
        const server = await guarded(auth);
        const token = await auth.createAccessToken({ subject: 'alice', footer: { app: 'chat' } });
        expect((await expectConnected(await connect(server, { auth: { token } }))).footer).to.deep.equal({ app: 'chat' });
        const parts = token.split('.');
        const tampered = [...parts.slice(0, 3), Buffer.from('{"app":"evil"}').toString('base64url')].join('.');
        expectRefused(await connect(server, { auth: { token: tampered } }), Refused.decrypt);
      });

      it('implicit assertions', async () => {
        const auth = testService();
        const server = await guarded(auth, { implicitAssertion: 'device-1' });
        expect((await expectConnected(await connect(server, { auth: { token: await auth.createAccessToken({ subject: 'alice', implicitAssertion: 'device-1' }) } }))).subject).to.equal('alice');
        expectRefused(await connect(server, { auth: { token: await auth.createAccessToken({ subject: 'alice', implicitAssertion: 'device-2' }) } }), Refused.decrypt);
      });

      it('explicit token: a string skips the lookup; a function may read the handshake', async () => {
        const auth = testService();
        const fixed = await auth.createAccessToken({ subject: 'service-account' });
        const server = await guarded(auth, { token: fixed });
        expect((await expectConnected(await connect(server, { auth: { token: 'ignored garbage' } }))).subject).to.equal('service-account');
        const badFixed = await guarded(auth, { token: 'v4.local.AAAA' });
        expectRefused(await connect(badFixed, {}), Refused.format);

        const cookieServer = await guarded(auth, {
          token: (handshake) => /(?:^|;\s*)session=([^;]+)/.exec(String(handshake.headers?.cookie ?? ''))?.[1],
        });
        const good = await auth.createAccessToken({ subject: 'alice' });
        expect((await expectConnected(await connect(cookieServer, { headers: { Cookie: `session=${good}` } }))).subject).to.equal('alice');
        expectRefused(await connect(cookieServer, { auth: { token: good } }), Refused.missing);
      });
    });

    describe('every reachable error code reaches connect_error with message and { code, status }', () => {
      it('token_missing, invalid_token, invalid_version, invalid_purpose, token_expired, token_not_active', async () => {
        const auth = testService();
        const server = await guarded(auth);
        expectRefused(await connect(server, {}), Refused.missing);
        expectRefused(await connect(server, { auth: { token: 'garbage' } }), Refused.format);
        const other = testService({ secretKey: undefined, keys: [{ secretKey: 'k4.local.' + Buffer.alloc(32, 9).toString('base64url') }] } as Omit<PasetoAuthOptions, 'secretKey'>);
        expectRefused(await connect(server, { auth: { token: await other.createAccessToken({ subject: 'x' }) } }), Refused.decrypt);
        expectRefused(await connect(server, { auth: { token: 'v3.local.AAAA' } }), Refused.version);
        expectRefused(await connect(server, { auth: { token: 'v4.public.AAAA' } }), Refused.purpose);
        const base = { sub: 'alice', type: 'access', jti: randomUUID() };
        expectRefused(await connect(server, { auth: { token: await craftLocalToken({ ...base, iat: iso(-120), exp: iso(-60) }) } }), Refused.expired);
        expectRefused(await connect(server, { auth: { token: await craftLocalToken({ ...base, iat: iso(0), nbf: iso(3600), exp: iso(7200) }) } }), Refused.notActive);
        // and the independent implementation's good token is accepted: the crafted failures are only their claims
        expect((await expectConnected(await connect(server, { auth: { token: await craftLocalToken({ ...base, iat: iso(0), exp: iso(60) }) } }))).subject).to.equal('alice');
        expect(log.map((entry) => entry.subject)).to.deep.equal(['alice']);
      });

      it('insufficient_role, user_not_found, denylist_unavailable, and statusCodes overrides', async () => {
        const auth = testService({ statusCodes: { invalid_token: 422, insufficient_role: 401 } });
        const server = await guarded(auth, { roles: ['admin'], userLoader: (t) => (t.subject === 'ghost' ? null : { name: String(t.subject) }) });
        const admin = await auth.createAccessToken({ subject: 'alice', userClaims: { roles: ['admin'] } });
        expect(await expectConnected(await connect(server, { auth: { token: admin } }))).to.deep.include({ subject: 'alice', user: { name: 'alice' } });
        expectRefused(await connect(server, { auth: { token: await auth.createAccessToken({ subject: 'bob', userClaims: { roles: ['user'] } }) } }), { ...Refused.role, status: 401 });
        expectRefused(await connect(server, { auth: { token: await auth.createAccessToken({ subject: 'ghost', userClaims: { roles: ['admin'] } }) } }), Refused.userNotFound);
        expectRefused(await connect(server, { auth: { token: 'garbage' } }), { ...Refused.format, status: 422 });

        // An optional namespace: anonymous is fine, but a token whose user is gone is refused, as on HTTP.
        const lobby = await guarded(auth, { optional: true, userLoader: (t) => (t.subject === 'ghost' ? null : { name: String(t.subject) }) });
        expect(await expectConnected(await connect(lobby, {}))).to.deep.include({ subject: null, user: null });
        expectRefused(await connect(lobby, { auth: { token: await auth.createAccessToken({ subject: 'ghost' }) } }), Refused.userNotFound);

        const failing: DenylistStore = { isRevoked: () => Promise.reject(new Error('redis down at 10.0.0.1')), revoke: () => undefined };
        const down = await guarded(testService({ denylistEnabled: true, denylist: failing }));
        expectRefused(await connect(down, { auth: { token: admin } }), Refused.denylist);
      });

      it('refused sockets never reach the connection handler', async () => {
        const auth = testService();
        const server = await guarded(auth, { fresh: true });
        expectRefused(await connect(server, {}), Refused.missing);
        expectRefused(await connect(server, { auth: { token: await auth.createAccessToken({ subject: 'stale' }) } }), Refused.notFresh);
        expectRefused(await connect(server, { auth: { token: 'garbage' } }), Refused.format);
        await expectConnected(await connect(server, { auth: { token: await auth.createAccessToken({ subject: 'ok', fresh: true }) } }));
        expect(log).to.deep.equal([{ nsp: '/', subject: 'ok' }]);
        expect(server.io.of('/').sockets.size).to.equal(1);
      });
    });

    describe('failures that are not authentication failures', () => {
      it('a throwing or rejecting denylist store refuses that connection with denylist_unavailable; the next client is served', async () => {
        let mode: 'throw' | 'reject' | 'ok' = 'throw';
        const store: DenylistStore = {
          isRevoked(_token: RevocableToken) {
            if (mode === 'throw') throw new Error('store exploded');
            if (mode === 'reject') return Promise.reject(new Error('store rejected'));
            return false;
          },
          revoke: () => undefined,
        };
        const auth = testService({ denylistEnabled: true, denylist: store });
        const server = await guarded(auth);
        const token = await auth.createAccessToken({ subject: 'alice' });
        expectRefused(await connect(server, { auth: { token } }), Refused.denylist);
        mode = 'reject';
        expectRefused(await connect(server, { auth: { token } }), Refused.denylist);
        mode = 'ok';
        expect((await expectConnected(await connect(server, { auth: { token } }))).subject).to.equal('alice');
      });

      it('a throwing or rejecting userLoader refuses with internal_error (no internals); onError sees it; the next client is served', async () => {
        const auth = testService();
        const seen: unknown[] = [];
        const server = await guarded(auth, {
          userLoader: (t) => {
            if (t.subject === 'boom') throw new Error('db password is hunter2');
            if (t.subject === 'later') return Promise.reject(new Error('db timeout'));
            return { name: t.subject };
          },
          onError: (error) => {
            seen.push(error);
            throw new Error('the logger failing changes nothing');
          },
        });
        expectRefused(await connect(server, { auth: { token: await auth.createAccessToken({ subject: 'boom' }) } }), Refused.internal);
        expectRefused(await connect(server, { auth: { token: await auth.createAccessToken({ subject: 'later' }) } }), Refused.internal);
        expect(seen.map((e) => (e as Error).message)).to.deep.equal(['db password is hunter2', 'db timeout']);
        expect(await expectConnected(await connect(server, { auth: { token: await auth.createAccessToken({ subject: 'alice' }) } }))).to.deep.include({ user: { name: 'alice' } });
        expect(log.map((entry) => entry.subject)).to.deep.equal(['alice']);
      });

      it('a throwing token function is internal_error', async () => {
        const server = await startServer((io) => {
          io.of('/explicit').use(pasetoSocketMiddleware({ auth: testService(), token: () => { throw new Error('cookie parser bug'); } }));
        });
        servers.push(server);
        expectRefused(await connect(server, {}, '/explicit'), Refused.internal);
      });
    });

    describe('namespaces with different requirements on one server', () => {
      it('roles all/any, optional and fresh per namespace', async () => {
        const auth = testService({ rolesClaim: 'scope' });
        const server = await startServer((io) => {
          guardRoot(io, { auth }, log);
          const ns = (name: string, options: Omit<PasetoSocketMiddlewareOptions, 'auth'>) => {
            io.of(name).use(pasetoSocketMiddleware({ auth, ...options }));
            io.of(name).on('connection', (socket) => track(socket, log));
          };
          ns('/admin', { roles: ['admin', 'ops'] });
          ns('/staff', { anyRole: ['admin', 'ops'] });
          ns('/both', { roles: ['ops'], anyRole: ['admin', 'audit'] });
          ns('/lobby', { optional: true });
          ns('/vault', { fresh: true, roles: ['admin'] });
          ns('/members', { optional: true, roles: ['ops'] });
        });
        servers.push(server);
        const alice = await auth.createAccessToken({ subject: 'alice', userClaims: { scope: 'admin ops' } });
        const aliceFresh = await auth.createAccessToken({ subject: 'alice', fresh: true, userClaims: { scope: ['admin', 'ops'] } });
        const bob = await auth.createAccessToken({ subject: 'bob', userClaims: { scope: ['ops'] } });
        const carol = await auth.createAccessToken({ subject: 'carol' });
        const matrix: Array<[string, string | undefined, Refusal | string | null]> = [
          ['/', alice, 'alice'],
          ['/', undefined, Refused.missing],
          ['/admin', alice, 'alice'],
          ['/admin', bob, Refused.role],
          ['/admin', carol, Refused.role],
          ['/staff', bob, 'bob'],
          ['/staff', carol, Refused.role],
          ['/both', alice, 'alice'],
          ['/both', bob, Refused.role],
          ['/lobby', undefined, null],
          ['/lobby', carol, 'carol'],
          ['/vault', alice, Refused.notFresh],
          ['/vault', aliceFresh, 'alice'],
          ['/vault', bob, Refused.notFresh],
          ['/members', bob, 'bob'],
          ['/members', carol, Refused.role],
          ['/members', undefined, Refused.missing],
        ];
        for (const [nsp, token, outcome] of matrix) {
          const result = await connect(server, token === undefined ? {} : { auth: { token } }, nsp);
          if (outcome === null || typeof outcome === 'string') {
            expect(await expectConnected(result), `${nsp} ${outcome}`).to.include({ nsp, subject: outcome });
          } else {
            expect(refusalOf(result), `${nsp}`).to.deep.equal(expected(outcome));
          }
        }
        expect(log.length).to.equal(matrix.filter(([, , outcome]) => outcome === null || typeof outcome === 'string').length);
      });
    });
  });
}
