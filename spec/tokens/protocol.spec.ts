import { expect } from 'chai';
import { generateKeys } from '../../src/keys/generate';
import { KeyRing } from '../../src/keys/key-ring';
import { decodeToken, encodeToken } from '../../src/tokens/protocol';
import { TokenFailure } from '../../src/tokens/failure';

const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');
const NONE = new Uint8Array(0);

/** The TokenFailure `run` throws (a code and a message; the service adds the status). */
function failure(run: () => unknown): TokenFailure {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(TokenFailure);
    return error as TokenFailure;
  }
  return expect.fail('expected a TokenFailure');
}

describe('decodeToken errors', () => {
  const local4 = KeyRing.fromOptions([{ version: 4, purpose: 'local', secretKey: generateKeys({ version: 4, purpose: 'local' }).secretKey }], () => '');
  const token = encodeToken(local4.signer, utf8('{"sub":"x"}'), NONE, NONE);
  const body = token.slice('v4.local.'.length);

  it('names a version that is not 3/4 or not configured', () => {
    for (const version of ['v1', 'v2', 'v3', 'v10']) {
      const error = failure(() => decodeToken(local4, `${version}.local.${body}`, NONE));
      expect(error).to.include({ code: 'invalid_version', message: `Invalid PASETO version ${version}` });
    }
  });

  it('names a purpose that is unknown or not configured for the version', () => {
    for (const purpose of ['public', 'secret']) {
      const error = failure(() => decodeToken(local4, `v4.${purpose}.${body}`, NONE));
      expect(error).to.include({ code: 'invalid_purpose', message: `Invalid PASETO purpose ${purpose}` });
    }
  });

  it('calls everything else a format error, without echoing the token', () => {
    const cases = ['', 'v4', 'v4.local', 'v4.local.', `${token}.`, `${token}.e30.e30`, `${token}=`, `V4.local.${body}`, `<script>.local.${body}`, `v4.LOCAL.${body}`, `v4.local.${body.slice(0, 60)}`, `v4.local.${body.replace(/./, '+')}`];
    for (const text of cases) {
      const error = failure(() => decodeToken(local4, text, NONE));
      expect(error, text).to.include({ code: 'invalid_token', message: 'Invalid PASETO format' });
    }
    expect(failure(() => decodeToken(local4, undefined as unknown as string, NONE)).message).to.equal('Invalid PASETO format');
  });

  it('reports authentication failures per purpose', () => {
    const other = KeyRing.fromOptions([{ version: 4, purpose: 'local', secretKey: generateKeys({ version: 4, purpose: 'local' }).secretKey }], () => '');
    expect(failure(() => decodeToken(other, token, NONE))).to.include({ code: 'invalid_token', message: 'Failed to decrypt.' });
    const pair = generateKeys({ version: 4, purpose: 'public' });
    const signer = KeyRing.fromOptions([{ version: 4, purpose: 'public', privateKey: pair.privateKey }], () => '');
    const stranger = KeyRing.fromOptions([{ version: 4, purpose: 'public', privateKey: generateKeys({ version: 4, purpose: 'public' }).privateKey }], () => '');
    const signed = encodeToken(signer.signer, utf8('{}'), NONE, NONE);
    expect(failure(() => decodeToken(stranger, signed, NONE))).to.include({ code: 'invalid_token', message: 'Failed to verify.' });
  });

  it('ignores footers that are not JSON objects with a PASERK-id kid', () => {
    for (const footer of ['{', '{"kid":1}', '[1]', 'null', '{"kid":"my-key"}', '\u0000{}', '{"kid":{"toString":1}}']) {
      const withFooter = encodeToken(local4.signer, utf8('{}'), utf8(footer), NONE);
      const decoded = decodeToken(local4, withFooter, NONE);
      expect(Buffer.from(decoded.footer).toString(), footer).to.equal(footer);
    }
  });

  it('returns version, purpose, payload, footer and key', () => {
    const decoded = decodeToken(local4, encodeToken(local4.signer, utf8('{"a":1}'), utf8('f'), utf8('ia')), utf8('ia'));
    expect(decoded).to.include({ version: 4, purpose: 'local', key: local4.signer });
    expect(Buffer.from(decoded.payload).toString()).to.equal('{"a":1}');
    expect(Buffer.from(decoded.footer).toString()).to.equal('f');
  });
});

describe('encodeToken', () => {
  it('refuses a verify-only key with a plain Error', () => {
    const pair = generateKeys({ version: 3, purpose: 'public' });
    const ring = KeyRing.fromOptions(
      [
        { version: 3, purpose: 'public', privateKey: pair.privateKey },
        { version: 3, purpose: 'public', publicKey: generateKeys({ version: 3, purpose: 'public' }).publicKey },
      ],
      (i) => `keys[${i}].`,
    );
    expect(() => encodeToken(ring.keys[1], utf8('{}'), NONE, NONE)).to.throw(Error, /cannot sign/);
  });

  it('refuses objects that are not imported keys', () => {
    const fake = { version: 4, purpose: 'local', kid: 'k4.lid.x', canSign: true } as const;
    expect(() => encodeToken(fake, utf8('{}'), NONE, NONE)).to.throw(TypeError);
  });
});
