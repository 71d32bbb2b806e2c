/**
 * A socket's `auth` payload can carry up to socket.io's `maxHttpBufferSize` (1 MB): an oversize
 * token there is refused on its length, before any decoding, as over HTTP.
 */
import { expect } from 'chai';
import { ErrorMessages } from '../../src/errors';
import { pasetoSocketMiddleware } from '../../src/socket/middleware';
import { closeClients, expected, refusalOf, startServer, testService, tryConnect, TRANSPORTS, type ClientSet, type TestServer } from '../socket/helpers';

const TOO_LONG = { code: 'invalid_token', status: 401, message: ErrorMessages.tooLong };

for (const transport of TRANSPORTS) {
  describe(`security: oversize socket tokens over ${transport}`, () => {
    const clients: ClientSet = new Set();
    let server: TestServer | undefined;
    afterEach(async () => {
      closeClients(clients);
      await server?.close();
      server = undefined;
    });

    it('a 0.9 MB forged token in auth is refused with "Token is too long"; a real token still connects', async () => {
      const auth = testService();
      server = await startServer((io) => io.use(pasetoSocketMiddleware({ auth })));
      const forged = `v4.local.${'A'.repeat(900_000)}.${Buffer.from('{"kid":"k4.lid.x"}').toString('base64url')}`;
      const refused = await tryConnect(clients, server.url, '/', transport, { auth: { token: forged } });
      expect(refusalOf(refused)).to.deep.equal(expected(TOO_LONG));
      const token = await auth.createAccessToken({ subject: 'alice' });
      expect((await tryConnect(clients, server.url, '/', transport, { auth: { token } })).connected).to.equal(true);
    });
  });
}
