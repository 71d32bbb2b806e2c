import 'reflect-metadata';
import { expect } from 'chai';
import fc from 'fast-check';
import { once } from 'node:events';
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearer, client, EXPRESS_MAJORS, makeApp, makeService } from './helpers';
import { FastapiRoutes } from './controllers';

// Found by an adversarial review: hostile lookups never give 5xx and never smuggle a token.
for (const major of EXPRESS_MAJORS) {
  describe(`HTTP hostile input (${major.name})`, () => {
    it('two Authorization headers are refused as ambiguous (bad_header), never "the first one wins"', async () => {
      const auth = makeService();
      const server = makeApp(major.create, { controllers: [FastapiRoutes], auth }).listen(0, '127.0.0.1');
      await once(server, 'listening');
      try {
        const token = await auth.createAccessToken({ subject: 'alice' });
        const send = (authorization: string | string[]) =>
          new Promise<{ status: number; body: string }>((resolve, reject) => {
            const req = httpRequest({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', path: '/fa/protected', headers: { authorization } as OutgoingHttpHeaders }, (res) => {
              let body = '';
              res.on('data', (chunk: Buffer) => (body += chunk.toString()));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
            });
            req.on('error', reject);
            req.end();
          });
        expect((await send(`Bearer ${token}`)).status).to.equal(200);
        const twice = await send([`Bearer ${token}`, 'Bearer junk']);
        expect(twice.status).to.equal(400);
        expect(JSON.parse(twice.body).code).to.equal('bad_header');
        expect(twice.body).to.not.contain(token);
      } finally {
        server.close();
      }
    });

    it('query arrays/objects, __proto__ keys, deep JSON, duplicate cookies', async () => {
      const auth = makeService({ tokenLocation: ['headers', 'json', 'query', 'cookies'] });
      const http = client(makeApp(major.create, { controllers: [FastapiRoutes], auth, defaultErrorHandler: false }));
      const token = await auth.createAccessToken({ subject: 'alice' });
      const smuggled = encodeURIComponent(token);

      // Two values of the token parameter are ambiguous: refused, never "the first one".
      expect((await http.get(`/fa/query?token=${smuggled}&token=${smuggled}`)).status).to.equal(400);
      // qs-style nesting and __proto__ never yield a token.
      for (const query of [`token[a]=${smuggled}`, `__proto__[token]=${smuggled}`, `constructor[prototype][token]=${smuggled}`]) {
        const res = await http.get(`/fa/query?${query}`);
        expect(res.status, query).to.be.within(400, 401);
      }
      // A JSON body cannot hand the token through the prototype.
      for (const body of [`{"__proto__":{"access_token":"${token}"}}`, `{"constructor":{"prototype":{"access_token":"${token}"}}}`]) {
        const res = await http.post('/fa/protected_json').set('Content-Type', 'application/json').send(body);
        expect(res.status, body.slice(0, 30)).to.equal(401);
        expect(res.body.code).to.equal('token_missing');
        expect(({} as Record<string, unknown>).access_token).to.equal(undefined);
      }
      // Deeply nested JSON is a 400, not a stack overflow.
      const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
      expect((await http.post('/fa/protected_json').set('Content-Type', 'application/json').send(deep)).status).to.be.within(400, 413);
      // Two cookies of a name are ambiguous (cookie tossing): refused, never "the first one wins".
      const res = await http.get('/fa/cookie').set('Cookie', `access_token_cookie=%E0%A4%A; access_token_cookie=${smuggled}`);
      expect(res.status).to.equal(400);
      expect(res.body.code).to.equal('bad_header');
      expect(res.text).not.to.contain(token);
    });

    // Property tests: the shapes the security review found, generated.
    it('any type claim text (control characters, beyond U+00FF) gets a 4xx with a header of RFC 6750 characters', async () => {
      const auth = makeService();
      const http = client(makeApp(major.create, { controllers: [FastapiRoutes], auth }));
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }), fc.constantFrom('/fa/protected', '/fa/optional', '/fa/refresh'), async (type, path) => {
          fc.pre(type !== 'access' && type !== 'refresh');
          const response = await http.get(path).set(bearer(await auth.createToken({ subject: 'alice', type })));
          expect(response.status).to.equal(401);
          expect(response.headers['www-authenticate']).to.match(/^Bearer error="invalid_token", error_description="[\x20\x21\x23-\x5b\x5d-\x7e]*"$/);
        }),
        { numRuns: 60 },
      );
    });

    it('a token cookie or CSRF cookie repeated anywhere among other cookies is bad_header, never a pick', async () => {
      const auth = makeService({ tokenLocation: ['headers', 'cookies'] });
      const http = client(makeApp(major.create, { controllers: [FastapiRoutes], auth }));
      const token = await auth.createAccessToken({ subject: 'alice' });
      const csrf = (await auth.verifyToken(token)).claims.csrf as string;
      const other = fc.tuple(fc.stringMatching(/^[a-z_]{1,8}$/), fc.stringMatching(/^[a-z0-9]{0,8}$/)).map(([name, value]) => `${name}=${value}`);
      await fc.assert(
        fc.asyncProperty(
          fc.array(other, { maxLength: 6 }),
          fc.constantFrom('access_token_cookie', 'csrf_access_token'),
          fc.nat(),
          fc.nat(),
          async (others, repeated, first, second) => {
            fc.pre(!others.some((pair) => pair.startsWith('access_token_cookie=') || pair.startsWith('csrf_access_token=')));
            const cookies = [...others];
            const value = repeated === 'access_token_cookie' ? token : csrf;
            cookies.splice(first % (cookies.length + 1), 0, `${repeated}=${value}`);
            cookies.splice(second % (cookies.length + 1), 0, `${repeated}=${value}`);
            if (repeated === 'csrf_access_token') cookies.push(`access_token_cookie=${token}`);
            const response = await http.post('/fa/cookie').set('Cookie', cookies.join('; ')).set('X-CSRF-Token', csrf);
            expect(response.status).to.equal(400);
            expect(response.body.code).to.equal('bad_header');
          },
        ),
        { numRuns: 40 },
      );
    });

    it('a second ?token= is refused wherever it hides among any number of filler parameters', async () => {
      const auth = makeService({ tokenLocation: ['headers', 'query'] });
      const http = client(makeApp(major.create, { controllers: [FastapiRoutes], auth }));
      const token = encodeURIComponent(await auth.createAccessToken({ subject: 'alice' }));
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: 600 }), fc.nat({ max: 1100 }), async (before, between) => {
          const fill = (n: number, tag: string): string[] => Array.from({ length: n }, (_, index) => `${tag}${index}=1`);
          const query = [...fill(before, 'a'), `token=${token}`, ...fill(between, 'b'), `token=${token}`].join('&');
          const response = await http.get(`/fa/query?${query}`);
          expect(response.status).to.equal(400);
          expect(response.body.code).to.equal('bad_header');
        }),
        { numRuns: 25 },
      );
    });
  });
}
