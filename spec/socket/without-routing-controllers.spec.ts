/**
 * A Socket.IO-only application that never installed routing-controllers: the package index loads
 * and a real socket.io server guarded by our middleware serves (and refuses) connections. Runs in
 * a fresh node process in which `require('routing-controllers')` fails with MODULE_NOT_FOUND.
 */
import { expect } from 'chai';
import { runNodeScript, withoutPackages } from '../helpers/missing-peer';

const script = `
${withoutPackages('routing-controllers')}(async () => {
  const out = {};
  const lib = require('./src/index.ts');
  out.indexLoaded = true;
  const { createServer } = require('node:http');
  const { Server } = require('socket.io');
  const { io: connect } = require('socket.io-client');
  const { LOCAL_KEY } = require('./spec/helpers/keys.ts');
  const auth = new lib.PasetoAuthService({ secretKey: LOCAL_KEY });
  const http = createServer();
  const io = new Server(http);
  io.use(lib.pasetoSocketMiddleware({ auth }));
  io.on('connection', (socket) => socket.on('whoami', (ack) => ack(lib.getSocketAuth(socket).subject)));
  await new Promise((done) => http.listen(0, '127.0.0.1', done));
  const url = 'http://127.0.0.1:' + http.address().port;
  const open = (options) => new Promise((done) => {
    const client = connect(url, { ...options, forceNew: true, reconnection: false, transports: ['websocket'] });
    client.once('connect', async () => { done({ subject: await client.emitWithAck('whoami') }); client.close(); });
    client.once('connect_error', (error) => { done({ message: error.message, data: error.data }); client.close(); });
  });
  out.accepted = await open({ auth: { token: await auth.createAccessToken({ subject: 'alice' }) } });
  out.refused = await open({});
  out.routingControllersLoaded = Object.keys(require.cache).some((path) => path.includes('/node_modules/routing-controllers/'));
  io.close();
  console.log(JSON.stringify(out));
})().catch((error) => { console.error(error); process.exit(1); });
`;

describe('routing-controllers is an optional peer dependency (a Socket.IO-only application)', function () {
  this.timeout(60_000);

  it('without it the index loads and a socket.io server guarded by pasetoSocketMiddleware accepts and refuses connections', () => {
    const child = runNodeScript(script);
    expect(child.stderr, child.stderr).to.equal('');
    expect(child.status).to.equal(0);
    const out = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}');
    expect(out).to.deep.equal({
      indexLoaded: true,
      accepted: { subject: 'alice' },
      refused: { message: 'PASETO Authorization Token required', data: { code: 'token_missing', status: 401 } },
      routingControllersLoaded: false,
    });
  });
});
