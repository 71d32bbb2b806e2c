// docs/testing.md's route test, as written there (spec/readme.spec.ts keeps the two identical).
import 'reflect-metadata';
import { expect } from 'chai';
import request from 'supertest';
import express from 'express';
import { Authorized, CurrentUser, Get, JsonController, useExpressServer } from 'routing-controllers';
import { withPaseto, type VerifiedToken } from '../../src';
import { createTestAuth } from '../../src/testing';

@JsonController('/account')
class AccountController {
  @Get('/me')
  @Authorized()
  me(@CurrentUser() token: VerifiedToken) {
    return { subject: token.subject };
  }

  @Get('/admin')
  @Authorized('admin')
  admin() {
    return { ok: true };
  }
}

describe('account routes', () => {
  const { auth, clock, accessToken, expiredToken, authHeader } = createTestAuth();
  const app = express();
  useExpressServer(app, withPaseto({ controllers: [AccountController] }, { auth }));

  it('answers a valid token', async () => {
    const response = await request(app).get('/account/me').set(authHeader(await accessToken('alice'))).expect(200);
    expect(response.body).to.deep.equal({ subject: 'alice' });
  });

  it('refuses an expired token, and a token once its 15 minutes have passed', async () => {
    await request(app).get('/account/me').set(authHeader(await expiredToken('alice'))).expect(401);
    const token = await accessToken('alice');
    clock.advance(15 * 60_000 + 1);
    const response = await request(app).get('/account/me').set(authHeader(token)).expect(401);
    expect(response.body).to.include({ code: 'token_expired' });
  });

  it('needs the admin role', async () => {
    await request(app).get('/account/admin').set(authHeader(await accessToken('bob'))).expect(403);
    await request(app).get('/account/admin').set(authHeader(await accessToken('ann', { roles: ['admin'] }))).expect(200);
  });
});
