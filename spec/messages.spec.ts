// Messages a newcomer meets first: each says what is wrong in the words of the mistake.
import { expect } from 'chai';
import { PasetoAuthService } from '../src/service';
import { AuthPasetoError, PasetoConfigError } from '../src/errors';
import { KeyRing } from '../src/keys/key-ring';
import { encodeToken } from '../src/tokens/protocol';

const LOCAL_KEY = `k4.local.${Buffer.alloc(32, 5).toString('base64url')}`;

function configError(options: Record<string, unknown>): string {
  try {
    new PasetoAuthService({ secretKey: LOCAL_KEY, ...options });
  } catch (error) {
    expect(error).to.be.instanceOf(PasetoConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a PasetoConfigError');
}

describe('messages', () => {
  it("tokenLocation: 'headers' (a string) says a list is expected, and shows it", () => {
    expect(configError({ tokenLocation: 'headers' })).to.equal("Invalid PASETO configuration: tokenLocation: expected a list, e.g. ['headers'], not a string");
    expect(configError({ websocketTokenLocation: 'auth' })).to.contain("websocketTokenLocation: expected a list, e.g. ['auth'], not a string");
  });

  it('statusCodes: an unknown code, or a bad status, is named', () => {
    expect(configError({ statusCodes: { invalid_token: 422, tokne_missing: 401 } })).to.match(/^Invalid PASETO configuration: statusCodes: unknown error code 'tokne_missing', expected one of token_missing, /);
    expect(configError({ statusCodes: { invalid_token: 200 } })).to.contain('statusCodes: invalid_token: expected an HTTP error status 400-599');
  });

  it('a foreign token without a type claim reads "Access token required but none provided"', async () => {
    const auth = new PasetoAuthService({ secretKey: LOCAL_KEY });
    const ring = KeyRing.fromOptions([{ version: 4, purpose: 'local', secretKey: LOCAL_KEY }], () => '');
    const typeless = encodeToken(ring.signer, new TextEncoder().encode(JSON.stringify({ sub: 'a', jti: 'j' })), new Uint8Array(0), new Uint8Array(0));
    const error = await auth.verifyToken(typeless).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).to.be.instanceOf(AuthPasetoError);
    expect(error).to.include({ code: 'wrong_token_type', message: 'Access token required but none provided' });
    const refresh = await auth.verifyToken(typeless, { refreshToken: true }).catch((failure: unknown) => failure);
    expect(refresh).to.include({ message: 'Refresh token required but none provided' });
  });
});
