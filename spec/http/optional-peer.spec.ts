import { expect } from 'chai';
import { runNodeScript, withoutPackages } from '../helpers/missing-peer';

/**
 * Runs in a fresh node process in which `routing-controllers` cannot be resolved once the modules
 * outside src/http that still import it at load (the errors and the HTTP transport) are loaded:
 * every src/http module must then load, and using an HTTP decorator or withPaseto must explain.
 */
const script = `
require('./src/errors.ts');
require('./src/transport/http.ts');
${withoutPackages('routing-controllers')}const out = { loaded: [] };
for (const name of ['checkers', 'decorators', 'error-handler', 'public', 'with-paseto', 'auth-handle', 'cookies', 'requirement']) {
  require('./src/http/' + name + '.ts');
  out.loaded.push(name);
}
const { PasetoRequired, Auth } = require('./src/http/decorators.ts');
const { withPaseto } = require('./src/http/with-paseto.ts');
const { PasetoAuthService } = require('./src/service.ts');
const { Public } = require('./src/http/public.ts');
const attempt = (run) => { try { run(); return 'no error'; } catch (error) { return error.name + ': ' + error.message; } };
out.required = attempt(() => PasetoRequired());
out.auth = attempt(() => Auth());
const auth = new PasetoAuthService({ secretKey: 'k4.local.' + Buffer.alloc(32, 7).toString('base64url') });
out.withPaseto = attempt(() => withPaseto({ controllers: [class X {}] }, { auth }));
out.public = attempt(() => Public()(class Y {}));
console.log(JSON.stringify(out));
`;

describe('routing-controllers is loaded by the HTTP adapter only when used', function () {
  this.timeout(60_000);

  it('without it the src/http modules load, and the decorators and withPaseto explain', () => {
    const child = runNodeScript(script);
    expect(child.status, child.stderr).to.equal(0);
    const out = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    const missing = /^PasetoConfigError: Invalid PASETO configuration: routing-controllers: .* needs the peer dependency routing-controllers: npm install routing-controllers$/;
    expect(out.loaded).to.have.length(8);
    expect(out.required).to.match(missing).and.to.contain('@PasetoRequired');
    expect(out.auth).to.match(missing).and.to.contain('@Auth');
    expect(out.withPaseto).to.match(missing).and.to.contain('withPaseto');
    // @Public() only records: it needs nothing.
    expect(out.public).to.equal('no error');
  });
});
