import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';

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

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [field: string]: unknown;
}

/**
 * A lockfile for a fresh app: the entries of this repository's lockfile that `names` need
 * (dependencies, required peers, and theirs), so `npm ci --offline` installs from the npm cache
 * alone (a lockfile needs no registry metadata, only the tarballs `npm ci` here already cached).
 */
function lockfileFor(names: readonly string[], extra: Record<string, LockEntry>): { packages: Record<string, LockEntry> } {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const topName = (path: string) => path.slice('node_modules/'.length).split('/node_modules/')[0];
  const needs = (entry: LockEntry) => [
    ...Object.keys(entry.dependencies ?? {}),
    ...Object.keys(entry.optionalDependencies ?? {}),
    ...Object.keys(entry.peerDependencies ?? {}).filter((peer) => entry.peerDependenciesMeta?.[peer]?.optional !== true),
  ];
  const wanted = new Set<string>();
  const queue = [...names];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    if (wanted.has(name)) continue;
    wanted.add(name);
    for (const [path, entry] of Object.entries(lock.packages)) if (path !== '' && topName(path) === name) queue.push(...needs(entry));
  }
  const packages: Record<string, LockEntry> = {};
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || !wanted.has(topName(path))) continue;
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...kept } = entry;
    packages[path] = kept;
  }
  return { packages: { ...packages, ...extra } };
}

/** One ```ts block of a README section, as CommonJS JavaScript. */
function readmeSnippetAsJs(heading: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(`\n${heading}\n`));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (code === undefined) throw new Error(`no ts block under ${heading}`);
  return ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, experimentalDecorators: true, emitDecoratorMetadata: true },
  }).outputText;
}

describe('the packed package, installed offline into a fresh project', function () {
  // npm pack builds (tsc), then npm ci installs from the cache: slow, so everything shares one install.
  this.timeout(300_000);
  let app = '';
  let packed: { filename: string; files: Array<{ path: string }> } = { filename: '', files: [] };
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as LockEntry & { name: string; version: string; bin: Record<string, string>; engines: Record<string, string> };
  const run = (file: string, env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [file], { cwd: app, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '', ...env } });

  before(() => {
    app = mkdtempSync(join(tmpdir(), 'paseto-package-'));
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', app], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    [packed] = JSON.parse(out) as Array<typeof packed>;
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
    const appDependencies: Record<string, string> = { 'paseto-controllers': `file:${packed.filename}` };
    for (const name of ['express', 'reflect-metadata', 'routing-controllers', 'typedi']) appDependencies[name] = lock.packages[`node_modules/${name}`].version ?? '';
    const { dependencies, peerDependencies, peerDependenciesMeta, bin, engines, version } = manifest;
    const self: LockEntry = { version, resolved: `file:${packed.filename}`, license: 'MIT', dependencies, peerDependencies, peerDependenciesMeta, bin, engines };
    const { packages } = lockfileFor([...Object.keys(appDependencies).filter((name) => name !== 'paseto-controllers'), ...Object.keys(dependencies ?? {})], {
      'node_modules/paseto-controllers': self,
    });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, dependencies: appDependencies }));
    writeFileSync(join(app, 'package-lock.json'), JSON.stringify({ name: 'fresh-app', lockfileVersion: 3, requires: true, packages: { '': { name: 'fresh-app', dependencies: appDependencies }, ...packages } }));
    execFileSync('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: app, stdio: 'ignore' });
  });

  after(() => {
    if (app !== '') rmSync(app, { recursive: true, force: true });
  });

  it('ships the build without source maps, the docs the README links to, and a clean manifest', () => {
    const files = packed.files.map((file) => file.path);
    expect(files).to.include.members(['dist/index.js', 'dist/index.d.ts', 'dist/cli.js', 'README.md', 'docs/http.md', 'docs/socket.md']);
    expect(files.filter((file) => file.endsWith('.map') || file.startsWith('src/') || file.startsWith('spec/'))).to.deep.equal([]);
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)#\s]+)/g)].map((match) => match[1]).filter((link) => !/^[a-z]+:/.test(link));
    expect(links.length).to.be.greaterThan(0);
    expect(links.filter((link) => !files.includes(link)), 'README links missing from the package').to.deep.equal([]);
    const installed = JSON.parse(readFileSync(join(app, 'node_modules', 'paseto-controllers', 'package.json'), 'utf8')) as { scripts?: Record<string, string>; repository?: unknown; homepage?: string; bugs?: unknown };
    expect(installed.scripts?.prepare, 'a prepare script runs on every git install').to.equal(undefined);
    expect(installed.scripts?.prepack).to.be.a('string');
    expect(installed).to.have.property('repository').that.deep.includes({ url: 'git+https://github.com/paseto-controllers/paseto-controllers.git' });
    expect(installed.homepage).to.equal('https://github.com/paseto-controllers/paseto-controllers#readme');
    expect(installed).to.have.property('bugs');
  });

  it('runs the README "Tokens in code" snippet from the installed package (revokeToken included)', () => {
    writeFileSync(join(app, 'tokens.js'), readmeSnippetAsJs('## Tokens in code'));
    const result = run('tokens.js', { PASETO_SECRET_KEY: 'k4.local.' + Buffer.alloc(32, 4).toString('base64url') });
    expect(result.stderr).to.equal('');
    expect(result.status).to.equal(0);
    expect(result.stdout).to.match(/^alice /);
  });

  it('runs the README HTTP quick start from the installed package: login, /me, and 401 without a token', async () => {
    const driver = `
const server = createApp().listen(0, '127.0.0.1', async () => {
  const base = 'http://127.0.0.1:' + server.address().port + '/quick';
  const login = await (await fetch(base + '/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: 'secret' }) })).json();
  const me = await (await fetch(base + '/me', { headers: { authorization: 'Bearer ' + login.access_token } })).json();
  const anonymous = await fetch(base + '/me');
  console.log(JSON.stringify({ me, anonymous: anonymous.status }));
  server.close();
});
`;
    writeFileSync(join(app, 'quick.js'), readmeSnippetAsJs('## Quick start: HTTP') + driver);
    const result = run('quick.js', { PASETO_SECRET_KEY: 'k4.local.' + Buffer.alloc(32, 4).toString('base64url') });
    expect(result.status, result.stderr).to.equal(0);
    expect(JSON.parse(result.stdout)).to.deep.equal({ me: { name: 'Alice' }, anonymous: 401 });
  });

  it('resolves paseto-controllers/testing from the installed package, which the main entry does not load', () => {
    const script = `
const main = require('paseto-controllers');
const loaded = () => Object.keys(require.cache).filter((file) => file.includes('/dist/testing/')).length;
const before = loaded();
const { createTestAuth } = require('paseto-controllers/testing');
const { auth, accessToken } = createTestAuth();
accessToken('alice').then((token) => auth.verifyToken(token)).then((verified) => {
  console.log(JSON.stringify({ before, after: loaded() > 0, subject: verified.subject, same: auth instanceof main.PasetoAuthService }));
});
`;
    writeFileSync(join(app, 'testing.js'), script);
    const result = run('testing.js');
    expect(result.status, result.stderr).to.equal(0);
    expect(JSON.parse(result.stdout)).to.deep.equal({ before: 0, after: true, subject: 'alice', same: true });
    expect(packed.files.map((file) => file.path)).to.include.members(['dist/testing/index.js', 'dist/testing/index.d.ts', 'docs/testing.md']);
  });

  it('installs the paseto-controllers command: --version', () => {
    const result = run(join('node_modules', 'paseto-controllers', 'dist', 'cli.js'), {});
    expect(result.status).to.equal(2);
    const version = spawnSync(join(app, 'node_modules', '.bin', 'paseto-controllers'), ['--version'], { cwd: app, encoding: 'utf8' });
    expect(version.stdout).to.equal(`${manifest.version}\n`);
  });
});
