import 'reflect-metadata';
import { expect } from 'chai';
import { Get, JsonController, Post } from 'routing-controllers';
import { Auth, PasetoOptional } from '../../src/http/decorators';
import type { AuthPaseto } from '../../src/http/auth-handle';
import { bearer, client, EXPRESS_MAJORS, expectAuthError, makeApp, makeService } from './helpers';

const auth = makeService();

@JsonController('/handle')
class SubjectController {
  @Get('/subject')
  @PasetoOptional()
  subject(@Auth(auth) handle: AuthPaseto) {
    const subject: string | number = handle.getSubject();
    return { subject };
  }

  @Get('/subject-or-null')
  @PasetoOptional()
  subjectOrNull(@Auth(auth) handle: AuthPaseto) {
    return { subject: handle.getSubjectOrNull() };
  }
}

describe('AuthPaseto: getSubject() and getSubjectOrNull()', () => {
  const http = client(makeApp(EXPRESS_MAJORS[0].create, { controllers: [SubjectController], auth }));

  it('getSubject() returns the subject of the current token', async () => {
    const token = await auth.createAccessToken({ subject: 42 });
    const res = await http.get('/handle/subject').set(bearer(token));
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ subject: 42 });
  });

  it('getSubject() without a token is token_missing (401 with its challenge), not null', async () => {
    const res = await http.get('/handle/subject');
    expectAuthError(res, 401, 'token_missing', 'PASETO Authorization Token required');
    expect(res.headers['www-authenticate']).to.equal('Bearer');
  });

  it('getSubjectOrNull() is the subject, or null on an anonymous request', async () => {
    expect((await http.get('/handle/subject-or-null')).body).to.deep.equal({ subject: null });
    const token = await auth.createAccessToken({ subject: 'alice' });
    expect((await http.get('/handle/subject-or-null').set(bearer(token))).body).to.deep.equal({ subject: 'alice' });
  });
});

const sessions = makeService({ denylistEnabled: true });

@JsonController('/session')
class SessionController {
  @Post('/rotate')
  rotate(@Auth(sessions) handle: AuthPaseto) {
    return handle.rotateRefreshToken();
  }

  @Post('/logout')
  @PasetoOptional()
  async logout(@Auth(sessions) handle: AuthPaseto) {
    await handle.revokeSession();
    return { ok: true };
  }
}

describe('AuthPaseto: rotateRefreshToken() and revokeSession()', () => {
  const http = client(makeApp(EXPRESS_MAJORS[0].create, { controllers: [SessionController], auth: sessions }));

  it("rotateRefreshToken() rotates the request's refresh token (found without a guard), reuse revokes the session", async () => {
    const pair = await sessions.createTokenPair({ subject: 'alice' });
    const res = await http.post('/session/rotate').set(bearer(pair.refreshToken));
    expect(res.status).to.equal(200);
    expect(res.body.sessionId).to.equal(pair.sessionId);
    const again = await http.post('/session/rotate').set(bearer(pair.refreshToken));
    expectAuthError(again, 401, 'refresh_token_reused', 'Refresh token reuse detected; the session has been revoked');
    expect(again.headers['www-authenticate']).to.match(/^Bearer/);
    expectAuthError(await http.post('/session/rotate').set(bearer(res.body.refreshToken as string)), 401, 'token_revoked', 'Token has been revoked');
  });

  it('rotateRefreshToken() with an access token is wrong_token_type', async () => {
    const pair = await sessions.createTokenPair({ subject: 'alice' });
    const res = await http.post('/session/rotate').set(bearer(pair.accessToken));
    expectAuthError(res, 401, 'wrong_token_type', 'Refresh token required but access provided');
  });

  it("revokeSession() revokes the request token's session; a token without session or none at all is refused", async () => {
    const pair = await sessions.createTokenPair({ subject: 'alice' });
    expect((await http.post('/session/logout').set(bearer(pair.accessToken))).status).to.equal(200);
    expectAuthError(await http.post('/session/rotate').set(bearer(pair.refreshToken)), 401, 'token_revoked', 'Token has been revoked');
    const lone = await sessions.createAccessToken({ subject: 'alice' });
    expectAuthError(await http.post('/session/logout').set(bearer(lone)), 400, 'invalid_argument', "Token is missing the 'sid' claim; it belongs to no session");
    expectAuthError(await http.post('/session/logout'), 401, 'token_missing', 'PASETO Authorization Token required');
  });
});
