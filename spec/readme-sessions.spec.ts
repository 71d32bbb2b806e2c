// The README's Sessions snippet, run as the script it is.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { readRepoFile, ROOT } from './helpers/markdown';
import { LOCAL_KEY } from './helpers/keys';

function sessionsScript(): string {
  const readme = readRepoFile('README.md');
  const code = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('\n## Sessions\n')))?.[1] ?? '';
  expect(code).to.include('createTokenPair(');
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  return js.replace('require("paseto-controllers")', `require(${JSON.stringify(join(ROOT, 'src', 'index.ts'))})`);
}

describe('README Sessions snippet', function () {
  this.timeout(60_000);

  it('logs in, rotates, detects reuse, logs out of a session and everywhere, as it says', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paseto-sessions-'));
    try {
      writeFileSync(join(dir, 'sessions.js'), sessionsScript());
      const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'reflect-metadata', join(dir, 'sessions.js')], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 30_000,
        env: { PATH: process.env.PATH ?? '', TS_NODE_TRANSPILE_ONLY: 'true', PASETO_SECRET_KEY: LOCAL_KEY },
      });
      expect(run.stderr).to.equal('');
      expect(run.stdout.trim().split('\n')).to.deep.equal(['true', 'refresh_token_reused', 'token_revoked', 'alice']);
      expect(run.status).to.equal(0);
      expect(readRepoFile('README.md')).to.include('It prints `true`, `refresh_token_reused`, `token_revoked` and `alice`.');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
