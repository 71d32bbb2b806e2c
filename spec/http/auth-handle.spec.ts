import 'reflect-metadata';
import { expect } from 'chai';
import { Get, JsonController } from 'routing-controllers';
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
