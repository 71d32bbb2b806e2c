import 'reflect-metadata';
import { expect } from 'chai';
import { wwwAuthenticateValue } from '../../src/http/error-handler';
import { AuthPasetoError, ErrorMessages } from '../../src/errors';
import { FastapiRoutes } from '../http/controllers';
import { bearer, client, EXPRESS_MAJORS, makeApp, makeService } from '../http/helpers';

/** RFC 6750 §3: the characters an `error_description` (and our whole header) may hold. */
const RFC6750_VALUE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** Every quoted parameter of a `WWW-Authenticate` value holds only RFC 6750 characters. */
function expectSafeChallenge(value: unknown, claim: string): void {
  expect(value).to.be.a('string');
  const header = value as string;
  expect(header).to.match(/^[\x20-\x7e]+$/);
  for (const [, quoted] of header.matchAll(/="([^"]*)"/g)) expect(quoted).to.match(RFC6750_VALUE);
  if (claim.length > 1) expect(header).not.to.contain(claim);
}

// A `type` claim is text the token's issuer chose; it once reached the WWW-Authenticate header, where
// node refuses a control character or one above U+00FF (ERR_INVALID_CHAR), turning a 401 into a 500.
const HOSTILE_TYPES = ['bad\u0001type', 'x\u0100y', 'caf\u00e9', 'line\r\nX-Injected: 1', 'quote"back\\slash', '\u{1F600}', 'tab\there', 'nul\u0000'];

for (const major of EXPRESS_MAJORS) {
  describe(`security: WWW-Authenticate carries no claim text (${major.name})`, () => {
    for (const defaultErrorHandler of [true, false]) {
      it(`a hostile type claim gets a 401 with a safe header (${defaultErrorHandler ? "routing-controllers' handler" : 'pasetoErrorHandler'})`, async () => {
        const auth = makeService();
        const http = client(makeApp(major.create, { controllers: [FastapiRoutes], auth, defaultErrorHandler }));
        for (const type of HOSTILE_TYPES) {
          const token = await auth.createToken({ subject: 'alice', type });
          for (const path of ['/fa/protected', '/fa/optional', '/fa/refresh']) {
            const response = await http.get(path).set(bearer(token));
            expect(response.status, `${JSON.stringify(type)} on ${path}`).to.equal(401);
            expect(response.body.code).to.equal('wrong_token_type');
            expectSafeChallenge(response.headers['www-authenticate'], type);
          }
        }
      });
    }
  });
}

describe('security: wwwAuthenticateValue', () => {
  it('keeps the fixed library messages and replaces any other text by a fixed one per code', () => {
    expect(wwwAuthenticateValue(new AuthPasetoError('invalid_token', ErrorMessages.invalidFormat))).to.equal(
      'Bearer error="invalid_token", error_description="Invalid PASETO format"',
    );
    expect(wwwAuthenticateValue(new AuthPasetoError('wrong_token_type', 'Access token required but \u0001 provided'))).to.equal(
      'Bearer error="invalid_token", error_description="Wrong token type"',
    );
    for (const message of ['a"b', 'c\\d', '\u00ff', 'e\r\nf']) {
      expectSafeChallenge(wwwAuthenticateValue(new AuthPasetoError('invalid_token', message)), message);
      expectSafeChallenge(wwwAuthenticateValue(new AuthPasetoError('insufficient_role', message)), message);
      expectSafeChallenge(wwwAuthenticateValue(new AuthPasetoError('bad_header', message)), message);
    }
  });
});
