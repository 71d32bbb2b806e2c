import { expect } from 'chai';
import { runNodeScript, withoutPackages } from '../helpers/missing-peer';
import { PasetoSocketMiddleware } from '../../src/socket/socket-controllers';

/**
 * Runs in a fresh node process in which `socket-controllers` cannot be resolved, as for a user
 * who never installed it: the package must still load, and the plain socket.io path must work.
 */
const script = `
${withoutPackages('socket-controllers')}(async () => {
  const out = {};
  require('./src/index.ts');
  out.indexLoaded = true;
  const sc = require('./src/socket/socket-controllers.ts');
  const { Container } = require('typedi');
  const { PasetoAuthService } = require('./src/service.ts');
  out.metadataKeys = Reflect.getMetadataKeys(sc.PasetoSocketMiddleware).map(String);
  try { sc.createPasetoSocketMiddleware({}); } catch (error) { out.createError = error.name + ': ' + error.message; }
  const { LOCAL_KEY } = require('./spec/helpers/keys.ts');
  const auth = new PasetoAuthService({ secretKey: LOCAL_KEY });
  Container.set(PasetoAuthService, auth);
  const token = await auth.createAccessToken({ subject: 'alice' });
  const run = (handshake) => new Promise((done) => {
    const socket = { handshake, data: {} };
    new sc.PasetoSocketMiddleware().use(socket, (error) => done(error ? { message: error.message, data: error.data } : { subject: socket.data.pasetoControllers.token.subject }));
  });
  out.refused = await run({ auth: {}, headers: {}, query: {} });
  out.accepted = await run({ auth: { token }, headers: {}, query: {} });
  console.log(JSON.stringify(out));
})().catch((error) => { console.error(error); process.exit(1); });
`;

/** socket-controllers' metadata key, as String() prints the symbol. */
const META_KEY = 'Symbol(SocketControllerMetaKey)';

describe('socket-controllers is an optional peer dependency', function () {
  this.timeout(60_000);

  it('with it installed, PasetoSocketMiddleware is a socket-controllers middleware', () => {
    expect(Reflect.getMetadataKeys(PasetoSocketMiddleware).map(String)).to.include(META_KEY);
  });

  it('without it the index and the socket modules load, the ready-made class still works on plain socket.io, and the factory explains', () => {
    const child = runNodeScript(script);
    expect(child.stderr, child.stderr).to.equal('');
    expect(child.status).to.equal(0);
    const out = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}');
    expect(out.indexLoaded).to.equal(true);
    // no socket-controllers metadata: it was not there to decorate with
    expect(out.metadataKeys).to.not.include(META_KEY);
    expect(out.createError).to.match(/^PasetoConfigError: .*needs the optional peer dependency socket-controllers/);
    expect(out.refused).to.deep.equal({ message: 'PASETO Authorization Token required', data: { code: 'token_missing', status: 401 } });
    expect(out.accepted).to.deep.equal({ subject: 'alice' });
  });
});
