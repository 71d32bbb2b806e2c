// The README's Revocation snippet, run as the script it is against a real redis-server: it revokes,
// exits, and with Redis down fails and exits instead of hanging.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import ts from 'typescript';
import { AuthPasetoError } from '../src/errors';
import { RedisDenylist } from '../src/denylist/redis';
import { PasetoAuthService } from '../src/service';
import { readRepoFile, ROOT } from './helpers/markdown';
import { redisServerAvailable, startRedisServer, type RedisServer } from './helpers/redis-server';

const SECRET_KEY = `k4.local.${Buffer.alloc(32, 8).toString('base64url')}`;

/** The snippet as CommonJS, its imports pointed at this repository's sources and node_modules. */
function revocationScript(): string {
  const readme = readRepoFile('README.md');
  const code = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('\n## Revocation\n')))?.[1] ?? '';
  expect(code).to.include('new Redis(');
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  return js
    .replace('require("paseto-controllers")', `require(${JSON.stringify(join(ROOT, 'src', 'index.ts'))})`)
    .replace('require("ioredis")', `require(${JSON.stringify(require.resolve('ioredis'))})`);
}

describe('README Revocation snippet (a real redis-server)', function () {
  this.timeout(60_000);
  let server: RedisServer | undefined;
  let dir = '';

  before(async function () {
    if (!redisServerAvailable()) {
      if (process.env.CI === 'true') throw new Error('redis-server is required in CI: .ci/run installs it (apt-get install redis-server)');
      console.warn('\n  !!! SKIPPING the README Revocation snippet: redis-server is not installed !!!\n');
      this.skip();
    }
    server = await startRedisServer();
    dir = mkdtempSync(join(tmpdir(), 'paseto-revocation-'));
    writeFileSync(join(dir, 'revoke.js'), revocationScript());
  });

  after(async () => {
    await server?.stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  const runScript = (port: number, token: string) =>
    spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', join(dir, 'revoke.js'), token], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
      env: { PATH: process.env.PATH ?? '', TS_NODE_TRANSPILE_ONLY: 'true', PASETO_SECRET_KEY: SECRET_KEY, REDIS_URL: `redis://127.0.0.1:${port}` },
    });

  it('revokes the token given to it, for every service on that Redis, and exits', async () => {
    const port = server?.port ?? 0;
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    let store: RedisDenylist | undefined;
    await client.connect();
    try {
      store = new RedisDenylist({ client });
      await store.ready();
      const auth = new PasetoAuthService({ secretKey: SECRET_KEY, denylistEnabled: true, denylist: store });
      const token = await auth.createAccessToken({ subject: 'alice' });
      const result = runScript(port, token);
      expect(result.status, result.stderr).to.equal(0);
      expect(result.stdout.trim()).to.equal('revoked');
      // This process's mirror hears of it over pub/sub, milliseconds later.
      let refused: unknown;
      for (let tries = 0; tries < 300; tries += 1) {
        refused = await auth.verifyToken(token).catch((error: unknown) => error);
        if (refused instanceof AuthPasetoError) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(refused).to.be.instanceOf(AuthPasetoError).and.to.include({ code: 'token_revoked' });
    } finally {
      store?.close();
      client.disconnect();
    }
  });

  it('with Redis down, fails and exits (status 1) instead of hanging', async () => {
    const down = await startRedisServer();
    await down.stop();
    const auth = new PasetoAuthService({ secretKey: SECRET_KEY });
    const result = runScript(down.port, await auth.createAccessToken({ subject: 'alice' }));
    expect(result.error, 'the script must exit by itself').to.equal(undefined);
    expect(result.status).to.equal(1);
    expect(result.stderr).to.match(/ECONNREFUSED|Connection is closed|connect/i);
  });
});
