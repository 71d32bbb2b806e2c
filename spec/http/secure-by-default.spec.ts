import 'reflect-metadata';
import { expect } from 'chai';
import request from 'supertest';
// --- README "Secure by default": keep the two in step ----------------------------------------
import express from 'express';
import { Authorized, CurrentUser, Get, JsonController, useExpressServer } from 'routing-controllers';
import { PasetoAuthService } from '../../src/service';
import type { VerifiedToken } from '../../src/tokens/types';
import { Public } from '../../src/http/public';
import { withPaseto } from '../../src/http/with-paseto';

// The README reads the key from the environment when the module loads.
const previousKey = process.env.PASETO_SECRET_KEY;
process.env.PASETO_SECRET_KEY = 'k4.local.' + Buffer.alloc(32, 4).toString('base64url');

@JsonController('/api')
class ApiController {
  @Get('/status')
  @Public() // served without a token
  status() {
    return { up: true };
  }

  @Get('/profile') // no decorator: a valid access token is required
  profile(@CurrentUser() token: VerifiedToken) {
    return { subject: token.subject };
  }

  @Get('/admin')
  @Authorized('admin') // a route's own decorators apply as they are
  admin() {
    return { ok: true };
  }
}

const auth = new PasetoAuthService({ secretKey: process.env.PASETO_SECRET_KEY });
const app = express();
useExpressServer(app, withPaseto({ controllers: [ApiController] }, { auth, secureByDefault: true }));
// --- end of the README code ---------------------------------------------------------------
if (previousKey === undefined) delete process.env.PASETO_SECRET_KEY;
else process.env.PASETO_SECRET_KEY = previousKey;

describe('README: secure by default', () => {
  it('guards the undecorated route, leaves @Public() open, keeps @Authorized(role)', async () => {
    const http = request(app);
    const token = await auth.createAccessToken({ subject: 'alice' });
    expect((await http.get('/api/status')).body).to.deep.equal({ up: true });
    expect((await http.get('/api/profile')).body.code).to.equal('token_missing');
    expect((await http.get('/api/profile').set('Authorization', `Bearer ${token}`)).body).to.deep.equal({ subject: 'alice' });
    expect((await http.get('/api/admin').set('Authorization', `Bearer ${token}`)).status).to.equal(403);
  });
});
