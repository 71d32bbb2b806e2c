import 'reflect-metadata';
import { expect } from 'chai';
import { FastapiRoutes } from '../http/controllers';
import { client, EXPRESS_MAJORS, makeApp, makeService } from '../http/helpers';

/** `n` harmless parameters. */
function filler(n: number): string {
  return Array.from({ length: n }, (_, index) => `f${index}=1`).join('&');
}

// The query parsers of express 4 (qs) and 5 (querystring) stop at 1000 parameters: a second
// `?token=` placed after 999 fillers is not in `req.query`, so the duplicate check counts the key in
// the raw request target instead.
for (const major of EXPRESS_MAJORS) {
  describe(`security: duplicate ?token= behind filler parameters (${major.name})`, () => {
    const auth = makeService({ tokenLocation: ['headers', 'query'] });
    const http = client(makeApp(major.create, { controllers: [FastapiRoutes], auth }));
    let alice: string;
    let mallory: string;

    before(async () => {
      alice = encodeURIComponent(await auth.createAccessToken({ subject: 'alice' }));
      mallory = encodeURIComponent(await auth.createAccessToken({ subject: 'mallory' }));
    });

    for (const fillers of [0, 998, 999, 1000, 1500]) {
      it(`refuses two token parameters with ${fillers} fillers between them`, async () => {
        const response = await http.get(`/fa/query?token=${mallory}&${filler(fillers)}&token=${alice}`);
        expect(response.status).to.equal(400);
        expect(response.body.code).to.equal('bad_header');
      });
    }

    it('refuses a token parameter whose name is percent-encoded beside a plain one', async () => {
      const response = await http.get(`/fa/query?token=${mallory}&${filler(999)}&%74oken=${alice}`);
      expect(response.body.code).to.equal('bad_header');
    });

    it('still finds a single token parameter, before or after the fillers', async () => {
      expect((await http.get(`/fa/query?token=${alice}&${filler(999)}`)).status).to.equal(200);
      expect((await http.get(`/fa/query?${filler(1200)}&token=${alice}`)).status).to.equal(200);
      expect((await http.get(`/fa/query?token=${alice}`)).status).to.equal(200);
    });
  });
}
