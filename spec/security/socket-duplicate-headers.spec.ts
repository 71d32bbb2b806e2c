/**
 * A socket handshake carrying its token header twice is ambiguous (node keeps the first line, a
 * proxy in front may act on the last): refused with `bad_header`, as over HTTP, on both transports.
 * socket.io-client cannot send a header twice, so a raw engine.io client makes these handshakes.
 */
import { expect } from 'chai';
import { headerSentTwiceMessage } from '../../src/errors';
import { pasetoSocketMiddleware } from '../../src/socket/middleware';
import { expected, startServer, testService, type TestServer } from '../socket/helpers';
import { Refused } from '../socket/fixtures';
import { rawPollingConnect, rawWebSocketConnect } from './socket-raw-client';

const CONNECT = { websocket: rawWebSocketConnect, polling: rawPollingConnect } as const;

for (const transport of ['websocket', 'polling'] as const) {
  describe(`security: a socket token header or query key sent twice over ${transport}`, () => {
    let server: TestServer | undefined;
    afterEach(async () => {
      await server?.close();
      server = undefined;
    });
    const connect = CONNECT[transport];

    async function serve(options: Parameters<typeof pasetoSocketMiddleware>[0] = {}) {
      const auth = testService();
      server = await startServer((io) => io.use(pasetoSocketMiddleware({ auth, location: 'headers', ...options })));
      return { auth, url: server.url };
    }

    it('two Authorization lines are refused with bad_header, even both valid; one line connects', async () => {
      const { auth, url } = await serve();
      const alice = await auth.createAccessToken({ subject: 'alice' });
      const mallory = await auth.createAccessToken({ subject: 'mallory' });
      expect(await connect(url, { authorization: [`Bearer ${alice}`, `Bearer ${mallory}`] })).to.deep.equal({ connected: false, ...expected(Refused.authHeaderTwice) });
      expect(await connect(url, { authorization: [`Bearer ${alice}`, 'Bearer'] })).to.deep.equal({ connected: false, ...expected(Refused.authHeaderTwice) });
      expect(await connect(url, { authorization: `Bearer ${alice}` })).to.deep.equal({ connected: true });
    });

    it('names differing in case are the same header', async () => {
      const { auth, url } = await serve();
      const alice = await auth.createAccessToken({ subject: 'alice' });
      const headers = { Authorization: `Bearer ${alice}`, AUTHORIZATION: `Bearer ${alice}` };
      expect(await connect(url, headers)).to.deep.equal({ connected: false, ...expected(Refused.authHeaderTwice) });
    });

    it('only the header that is read counts: a token in auth wins before headers are looked at', async () => {
      const { auth, url } = await serve({ location: ['auth', 'headers'] });
      const alice = await auth.createAccessToken({ subject: 'alice' });
      expect(await connect(url, { authorization: ['Bearer x', 'Bearer y'] }, { token: alice })).to.deep.equal({ connected: true });
      expect(await connect(url, { authorization: ['Bearer x', 'Bearer y'] })).to.deep.equal({ connected: false, ...expected(Refused.authHeaderTwice) });
    });

    it('a query key given twice is bad_header (socket.io kept only the last value); once connects', async () => {
      const { auth, url } = await serve({ location: 'query' });
      const alice = await auth.createAccessToken({ subject: 'alice' });
      const mallory = await auth.createAccessToken({ subject: 'mallory' });
      expect(await connect(url, {}, undefined, `&token=${alice}&token=${mallory}`)).to.deep.equal({ connected: false, ...expected(Refused.badQuery) });
      expect(await connect(url, {}, undefined, `&token=${alice}`)).to.deep.equal({ connected: true });
    });

    it('the same rule on HTTP and sockets: a custom token header sent twice is refused too', async () => {
      const { auth, url } = await serve({ tokenKey: 'X-Token', tokenPrefix: null });
      const alice = await auth.createAccessToken({ subject: 'alice' });
      const twice = { connected: false, message: headerSentTwiceMessage('X-Token'), data: { code: 'bad_header', status: 400 } };
      expect(await connect(url, { 'x-token': [alice, alice] })).to.deep.equal(twice);
      expect(await connect(url, { 'x-token': alice })).to.deep.equal({ connected: true });
    });
  });
}
