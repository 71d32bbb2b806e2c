import 'reflect-metadata';
import { expect } from 'chai';
import request from 'supertest';
// --- README "Auth events" recipe: keep the two in step ----------------------------------------
import express from 'express';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { Authorized, Get, JsonController, useExpressServer } from 'routing-controllers';
import { PasetoAuthService } from '../../src/service';
import { withPaseto } from '../../src/http/with-paseto';

@JsonController('/reports')
class ReportController {
  @Get('/')
  @Authorized()
  list() {
    return { reports: [] };
  }
}

// The README reads the key from the environment when the module loads.
const previousKey = process.env.PASETO_SECRET_KEY;
process.env.PASETO_SECRET_KEY = 'k4.local.' + Buffer.alloc(32, 4).toString('base64url');
const auth = new PasetoAuthService({ secretKey: process.env.PASETO_SECRET_KEY });
const MAX_FAILURES = 10;
// Ten refusals from one address within 15 minutes block it for 15 minutes.
const failuresPerIp = new RateLimiterMemory({ points: MAX_FAILURES, duration: 15 * 60, blockDuration: 15 * 60 });

auth.onAuthFailure((event) => {
  // Audit log: code, status, transport ('http' | 'socket'), ip, and subject and jti of a verified token refused later.
  console.warn('auth refused', JSON.stringify(event));
  // Over the limit consume() rejects: nothing to do here, the middleware below answers 429.
  if (event.ip !== undefined) failuresPerIp.consume(event.ip).catch(() => undefined);
});

const app = express();
app.set('trust proxy', 'loopback'); // behind a reverse proxy on this host: req.ip is the client's address
// Before any route, so a blocked address is answered before its token is even read.
app.use((req, res, next) => {
  failuresPerIp.get(req.ip ?? '').then((limit) => {
    if (limit !== null && limit.consumedPoints >= MAX_FAILURES) {
      res.status(429).set('Retry-After', String(Math.ceil(limit.msBeforeNext / 1000))).json({ code: 'rate_limited', message: 'Too many attempts' });
      return;
    }
    next();
  }, next);
});
useExpressServer(app, withPaseto({ controllers: [ReportController] }, { auth }));
// --- end of the README code ---------------------------------------------------------------
if (previousKey === undefined) delete process.env.PASETO_SECRET_KEY;
else process.env.PASETO_SECRET_KEY = previousKey;

describe('README: auth events, audit log and a per-address limit on failures (rate-limiter-flexible)', () => {
  it(`logs each refusal; after ${MAX_FAILURES} failures from one address it answers 429 before the auth check, other addresses unaffected`, async () => {
    const http = request(app);
    const audit: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => audit.push(args);
    try {
      const valid = await auth.createAccessToken({ subject: 'alice' });
      const forged = `v4.local.${'A'.repeat(80)}`;
      for (let attempt = 1; attempt <= MAX_FAILURES; attempt += 1) {
        const response = await http.get('/reports').set({ 'X-Forwarded-For': '203.0.113.1', Authorization: `Bearer ${forged}` });
        expect(response.status, `attempt ${attempt}`).to.equal(401);
      }
      // Blocked before the auth check: even a valid token, and no further refusal is reported.
      const blocked = await http.get('/reports').set({ 'X-Forwarded-For': '203.0.113.1', Authorization: `Bearer ${valid}` });
      expect(blocked.status).to.equal(429);
      expect(blocked.body).to.deep.equal({ code: 'rate_limited', message: 'Too many attempts' });
      expect(Number(blocked.headers['retry-after'])).to.be.within(1, 15 * 60);
      expect((await http.get('/reports').set({ 'X-Forwarded-For': '203.0.113.2', Authorization: `Bearer ${valid}` })).status).to.equal(200);
      expect(audit).to.have.length(MAX_FAILURES);
      for (const [message, line] of audit) {
        expect(message).to.equal('auth refused');
        expect(line).to.be.a('string').and.not.include(forged);
        expect(JSON.parse(line as string)).to.include({ code: 'invalid_token', status: 401, transport: 'http', ip: '203.0.113.1' });
      }
    } finally {
      console.warn = warn;
    }
  });
});
