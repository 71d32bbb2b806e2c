import { expect } from 'chai';
import { AuthPasetoError } from '../../src/errors';
import { badHeaderMessage } from '../../src/transport/prefixed';
import { readSocketToken, type SocketHandshakeLike, type SocketTransportConfig } from '../../src/transport/socket';

const config: SocketTransportConfig = {
  websocketTokenLocation: ['auth', 'headers', 'query'],
  headerName: 'Authorization',
  headerType: 'Bearer',
  websocketQueryKey: 'token',
  websocketQueryType: null,
};
const error = (code: 'bad_header' | 'invalid_argument', message: string) => new AuthPasetoError(code, message);

function read(handshake: SocketHandshakeLike, lookup: Parameters<typeof readSocketToken>[2] = {}, cfg: SocketTransportConfig = config) {
  return readSocketToken(handshake, cfg, lookup, error);
}

function failure(fn: () => unknown): { code: string; message: string; status: number } {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(AuthPasetoError);
    const err = e as AuthPasetoError;
    return { code: err.code, message: err.message, status: err.httpCode };
  }
  throw new Error('expected a failure');
}

describe('socket transport: readSocketToken', () => {
  const all: SocketHandshakeLike = { auth: { token: 'A' }, headers: { authorization: 'Bearer H' }, query: { token: 'Q' } };

  it('searches auth, headers, query in that order by default', () => {
    expect(read(all)).to.equal('A');
    expect(read({ ...all, auth: {} })).to.equal('H');
    expect(read({ auth: {}, headers: {}, query: { token: 'Q' } })).to.equal('Q');
    expect(read({ auth: {}, headers: {}, query: {} })).to.equal(undefined);
    expect(read({})).to.equal(undefined);
  });

  it('follows the configured websocketTokenLocation order, then the per-middleware location', () => {
    expect(read(all, {}, { ...config, websocketTokenLocation: ['query', 'headers'] })).to.equal('Q');
    expect(read(all, { location: ['headers', 'auth'] })).to.equal('H');
    expect(read(all, { location: ['query'] })).to.equal('Q');
    expect(read({ auth: { token: 'A' } }, { location: ['query', 'headers'] })).to.equal(undefined);
  });

  it('auth: bare token, or a Bearer prefix in any case', () => {
    expect(read({ auth: { token: 'tok' } })).to.equal('tok');
    expect(read({ auth: { token: 'Bearer tok' } })).to.equal('tok');
    expect(read({ auth: { token: 'bearer tok' } })).to.equal('tok');
  });

  it('auth: malformed values are bad_header, never skipped for a later location', () => {
    const msg = badHeaderMessage('auth', 'token', null);
    expect(msg).to.equal("Bad auth.token value. Expected value '<PASETO>'");
    for (const token of ['', 'a b', 42, { t: 1 }, ['x']]) {
      expect(failure(() => read({ auth: { token }, headers: { authorization: 'Bearer H' } }))).to.deep.equal({ code: 'bad_header', message: msg, status: 400 });
    }
    expect(failure(() => read({ auth: { token: 'Bearer a b' } })).message).to.equal(badHeaderMessage('auth', 'token', 'Bearer'));
  });

  it('headers: configured name (lower-cased as node gives it) and type; null type is a bare token', () => {
    expect(read({ headers: { authorization: 'bEaReR H' } })).to.equal('H');
    expect(read({ headers: { 'x-token': 'H' } }, {}, { ...config, headerName: 'X-Token', headerType: null })).to.equal('H');
    expect(read({ headers: { 'x-token': 'Token H' } }, {}, { ...config, headerName: 'X-Token', headerType: 'Token' })).to.equal('H');
    for (const value of ['Bearer', 'Bearer ', 'Test asd', 'Bearer a b', 'H']) {
      expect(failure(() => read({ headers: { authorization: value } }))).to.deep.equal({
        code: 'bad_header',
        message: "Bad Authorization header. Expected value 'Bearer <PASETO>'",
        status: 400,
      });
    }
    expect(failure(() => read({ headers: { 'x-token': 'Bearer H' } }, {}, { ...config, headerName: 'X-Token', headerType: null })).message).to.equal(
      "Bad X-Token header. Expected value '<PASETO>'",
    );
  });

  it('query: websocketQueryKey and optional websocketQueryType', () => {
    expect(read({ query: { access: 'Q' } }, {}, { ...config, websocketQueryKey: 'access' })).to.equal('Q');
    expect(read({ query: { token: 'Bearer Q' } }, {}, { ...config, websocketQueryType: 'Bearer' })).to.equal('Q');
    expect(failure(() => read({ query: { token: 'Q' } }, {}, { ...config, websocketQueryType: 'Bearer' })).message).to.equal(
      "Bad token query param. Expected value 'Bearer <PASETO>'",
    );
    // a repeated parameter arrives as an array: malformed, not silently the first one
    expect(failure(() => read({ query: { token: ['a', 'b'] } })).code).to.equal('bad_header');
  });

  it('query: a key given twice in the handshake url is bad_header, although socket.io\'s parsed query kept one value', () => {
    // socket.io's handshake.query keeps the last value of a repeated key; handshake.url has them all.
    const url = (query: string) => `/socket.io/?EIO=4&transport=polling&${query}`;
    const bad = { code: 'bad_header', message: badHeaderMessage('query', 'token', null), status: 400 };
    expect(failure(() => read({ query: { token: 'good' }, url: url('token=junk&token=good') }))).to.deep.equal(bad);
    expect(failure(() => read({ query: { token: 'junk' }, url: url('token=good&token=junk') }))).to.deep.equal(bad);
    expect(failure(() => read({ query: { token: 'good' }, url: url('token=good&token=good') }))).to.deep.equal(bad);
    expect(failure(() => read({ query: { access: 'b' }, url: url('access=a&access=b') }, { queryKey: 'access' }))).to.deep.equal({
      ...bad,
      message: badHeaderMessage('query', 'access', null),
    });
    // One value, or duplicates of other keys, change nothing.
    expect(read({ query: { token: 'good' }, url: url('token=good') })).to.equal('good');
    expect(read({ query: { token: 'good', x: '2' }, url: url('x=1&x=2&token=good') })).to.equal('good');
    expect(read({ query: {}, url: url('x=1') })).to.equal(undefined);
    // Without a parsed query the url is read; without a url the parsed query is.
    expect(read({ url: url('token=good') })).to.equal('good');
    expect(read({ url: '/socket.io/' })).to.equal(undefined);
    expect(read({ query: { token: 'good' }, url: null })).to.equal('good');
    // Only own keys of the parsed query.
    expect(read({ query: {} }, { queryKey: 'constructor', location: 'query' })).to.equal(undefined);
    // The duplicates are only refused where the query is read: an earlier location with a value decides.
    expect(read({ auth: { token: 'A' }, url: url('token=a&token=b') })).to.equal('A');
  });

  it('tokenKey renames the auth key, the header and the query key (fastapi-paseto token_key); tokenPrefix applies to every location', () => {
    expect(read({ auth: { access: 'A' }, query: { token: 'Q' } }, { tokenKey: 'access' })).to.equal('A');
    expect(read({ headers: { 'x-access': 'Bearer H', authorization: 'Bearer X' } }, { tokenKey: 'X-Access' })).to.equal('H');
    expect(failure(() => read({ headers: { 'x-access': 'H' } }, { tokenKey: 'X-Access' })).message).to.equal("Bad X-Access header. Expected value 'Bearer <PASETO>'");
    expect(read({ query: { access: 'Q' } }, { tokenKey: 'access' })).to.equal('Q');
    // queryKey renames the query key only, and wins over tokenKey there
    expect(read({ auth: { token: 'A' }, query: { t: 'Q' } }, { queryKey: 't', location: ['query'] })).to.equal('Q');
    expect(read({ auth: { access: 'A' }, query: { t: 'Q' } }, { queryKey: 't', tokenKey: 'access' })).to.equal('A');
    expect(read({ query: { t: 'Q', access: 'X' } }, { queryKey: 't', tokenKey: 'access', location: ['query'] })).to.equal('Q');
    expect(read({ auth: { token: 'Token A' } }, { tokenPrefix: 'Token' })).to.equal('A');
    expect(failure(() => read({ auth: { token: 'A' } }, { tokenPrefix: 'Token' })).message).to.equal("Bad auth.token value. Expected value 'Token <PASETO>'");
    expect(failure(() => read({ auth: { token: 'Bearer A' } }, { tokenPrefix: null })).message).to.equal("Bad auth.token value. Expected value '<PASETO>'");
    expect(read({ headers: { authorization: 'H' } }, { tokenPrefix: null })).to.equal('H');
    expect(read({ query: { token: 'Token Q' } }, { tokenPrefix: 'Token' })).to.equal('Q');
  });

  it('takes one location as a string, as over HTTP', () => {
    expect(read(all, { location: 'query' })).to.equal('Q');
    expect(read(all, { location: 'headers' })).to.equal('H');
  });

  it('json, unknown or empty locations are invalid_argument with a clear message', () => {
    const json = failure(() => read(all, { location: ['json'] }));
    expect(json.code).to.equal('invalid_argument');
    expect(json.status).to.equal(400);
    expect(json.message).to.match(/'json' is not supported/).and.match(/'auth', 'headers', 'query'/);
    // refused even when an earlier location would have answered
    expect(failure(() => read(all, { location: ['auth', 'cookies'] })).code).to.equal('invalid_argument');
    expect(failure(() => read(all, { location: [] })).code).to.equal('invalid_argument');
  });
});
