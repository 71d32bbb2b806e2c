import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..');

/** Loads the package index in a fresh node process: no mocha, no reflect-metadata preloaded. */
function loadIndexInFreshProcess(script: string): string {
  return execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
  });
}

describe('the package entry point', () => {
  it('loads on its own, before the application imports reflect-metadata', () => {
    const out = loadIndexInFreshProcess("const m = require('./src'); process.stdout.write(typeof m.PasetoAuthService + ' ' + typeof m.PasetoSocketMiddleware)");
    expect(out).to.equal('function function');
  });

  it('exports every public name of DESIGN §1', () => {
    const names = [
      'PasetoAuthService', 'PASETO_CONFIG', 'pasetoAuthorizationChecker', 'pasetoCurrentUserChecker',
      'PasetoRequired', 'FreshTokenRequired', 'RefreshTokenRequired', 'PasetoOptional', 'Auth', 'AuthPaseto',
      'pasetoSocketMiddleware', 'PasetoSocketMiddleware', 'createPasetoSocketMiddleware', 'getSocketAuth',
      'AuthPasetoError', 'PasetoConfigError', 'MemoryDenylist', 'RedisDenylist', 'generateKeys',
    ];
    const out = loadIndexInFreshProcess(`const m = require('./src'); process.stdout.write(JSON.stringify(${JSON.stringify(names)}.filter((n) => m[n] === undefined)))`);
    expect(JSON.parse(out)).to.deep.equal([]);
  });
});
