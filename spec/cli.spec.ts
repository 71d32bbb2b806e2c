import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoKeysFromEnv, type DemoEnv } from '../demo/config';
import { runCli, type CliIO, type PrintableKeys } from '../src/cli';
import { PasetoAuthService } from '../src/service';

/** Captures what runCli writes. */
function capture(): CliIO & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout(text: string) {
      io.out += text;
    },
    stderr(text: string) {
      io.err += text;
    },
  };
  return io;
}

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = capture();
  const code = await runCli(argv, io);
  return { code, out: io.out, err: io.err };
}

/** Mint and verify one token with the keys: the proof that the service accepts them. */
async function roundTrip(auth: PasetoAuthService): Promise<void> {
  const token = await auth.createAccessToken({ subject: 'alice', fresh: true });
  const verified = await auth.verifyToken(token, { fresh: true });
  expect(verified.subject).to.equal('alice');
}

/**
 * Source the text output in bash (`set -a; . ./file`), as docs/cli.md says to, and read back the
 * PASETO_* variables it set: proves the output is a valid env file with nothing but comments around.
 */
function sourceInBash(text: string): DemoEnv & { PASETO_KID?: string } {
  const dir = mkdtempSync(join(tmpdir(), 'paseto-keygen-'));
  try {
    const file = join(dir, 'keys.env');
    writeFileSync(file, text);
    const result = spawnSync('bash', ['--noprofile', '--norc', '-c', 'set -euo pipefail; set -a; . "$0"; set +a; env -0', file], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stderr).to.equal('');
    const env: Record<string, string> = {};
    for (const entry of result.stdout.split('\0').filter((text) => text.startsWith('PASETO_'))) {
      env[entry.slice(0, entry.indexOf('='))] = entry.slice(entry.indexOf('=') + 1);
    }
    return env;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const COMBINATIONS: ReadonlyArray<{ version: '3' | '4'; purpose: 'local' | 'public'; format: 'paserk' | 'pem' }> = [
  { version: '4', purpose: 'local', format: 'paserk' },
  { version: '3', purpose: 'local', format: 'paserk' },
  { version: '4', purpose: 'public', format: 'paserk' },
  { version: '3', purpose: 'public', format: 'paserk' },
  { version: '4', purpose: 'public', format: 'pem' },
  { version: '3', purpose: 'public', format: 'pem' },
];

describe('cli: paseto-controllers keygen', () => {
  for (const { version, purpose, format } of COMBINATIONS) {
    describe(`--version ${version} --purpose ${purpose} --format ${format}`, () => {
      const flags = ['keygen', '--version', version, '--purpose', purpose, '--format', format];

      it('--json gives keys the service accepts, with the kid the service computes', async () => {
        const { code, out, err } = await run(...flags, '--json');
        expect(code, err).to.equal(0);
        const keys = JSON.parse(out) as PrintableKeys;
        expect(keys).to.include({ version: Number(version), purpose, format });
        if (purpose === 'local') {
          expect(keys.secretKey).to.match(new RegExp(`^k${version}\\.local\\.`));
          expect(keys.kid).to.match(new RegExp(`^k${version}\\.lid\\.`));
        } else {
          expect(keys.kid).to.match(new RegExp(`^k${version}\\.pid\\.`));
          if (format === 'pem') {
            expect(keys.privateKey).to.match(/^-----BEGIN PRIVATE KEY-----\n/);
            expect(keys.publicKey).to.match(/^-----BEGIN PUBLIC KEY-----\n/);
          } else {
            expect(keys.privateKey).to.match(new RegExp(`^k${version}\\.secret\\.`));
            expect(keys.publicKey).to.match(new RegExp(`^k${version}\\.public\\.`));
          }
        }
        const auth = new PasetoAuthService({
          version: keys.version,
          purpose: keys.purpose,
          ...(keys.secretKey !== undefined ? { secretKey: keys.secretKey } : { privateKey: keys.privateKey, publicKey: keys.publicKey }),
        });
        expect(auth.keyIds).to.deep.equal([keys.kid]);
        await roundTrip(auth);
      });

      it('the text output is an env file that configures a working service (sourced by bash, read by the demo)', async () => {
        const { code, out } = await run(...flags);
        expect(code).to.equal(0);
        expect(out).to.include(`PASETO_VERSION=${version}`).and.include(`PASETO_PURPOSE=${purpose}`).and.include('kid');
        const env = sourceInBash(out);
        expect(env.PASETO_VERSION).to.equal(version);
        if (format === 'pem') {
          // The shell gets the PEM itself, real newlines and all: usable without any unescaping.
          expect(env.PASETO_PRIVATE_KEY).to.match(/^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+\n-----END PRIVATE KEY-----\n$/);
          expect(env.PASETO_PUBLIC_KEY).to.match(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+\n-----END PUBLIC KEY-----\n$/);
          const direct = new PasetoAuthService({ version: Number(version) as 3 | 4, purpose: 'public', privateKey: env.PASETO_PRIVATE_KEY ?? '', publicKey: env.PASETO_PUBLIC_KEY ?? '' });
          await roundTrip(direct);
        }
        expect(env.PASETO_KID ?? '').to.match(/^k[34]\.[lp]id\./);
        const demoKeys = demoKeysFromEnv(env);
        expect(demoKeys.generated).to.equal(false);
        const auth = new PasetoAuthService(demoKeys.options);
        expect(auth.keyIds).to.deep.equal([env.PASETO_KID]);
        await roundTrip(auth);
      });
    });
  }

  it('a PEM with literal \\n escapes (what a shell leaves of a double-quoted one-line PEM) is refused with a hint', async () => {
    const keys = JSON.parse((await run('keygen', '--purpose', 'public', '--format', 'pem', '--json')).out) as PrintableKeys;
    const escaped = (pem = '') => pem.trimEnd().replace(/\n/g, '\\n');
    expect(() => new PasetoAuthService({ purpose: 'public', privateKey: escaped(keys.privateKey) })).to.throw(/privateKey: could not read the PEM private key.*literal '\\n' escapes/);
    expect(() => new PasetoAuthService({ purpose: 'public', publicKey: escaped(keys.publicKey) })).to.throw(/publicKey: could not read the PEM public key.*literal '\\n' escapes/);
    const garbled = () => new PasetoAuthService({ purpose: 'public', publicKey: '-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n' });
    expect(garbled).to.throw(/could not read the PEM public key: expected an SPKI PEM of an Ed25519 key \(version 4\)$/);
  });

  it('defaults to --version 4 --purpose local --format paserk', async () => {
    const { code, out } = await run('keygen', '--json');
    expect(code).to.equal(0);
    const keys = JSON.parse(out) as PrintableKeys;
    expect(keys).to.include({ version: 4, purpose: 'local', format: 'paserk' });
    expect(keys.secretKey).to.match(/^k4\.local\./);
    await roundTrip(new PasetoAuthService({ secretKey: keys.secretKey }));
  });

  it('generates a different key every time', async () => {
    const a = JSON.parse((await run('keygen', '--json')).out) as PrintableKeys;
    const b = JSON.parse((await run('keygen', '--json')).out) as PrintableKeys;
    expect(a.secretKey).to.not.equal(b.secretKey);
    expect(a.kid).to.not.equal(b.kid);
  });

  it('--help and -h explain every flag on stdout and exit 0', async () => {
    for (const argv of [['keygen', '--help'], ['keygen', '-h'], ['keygen', '--version', '9', '--help']]) {
      const { code, out, err } = await run(...argv);
      expect(code).to.equal(0);
      expect(err).to.equal('');
      for (const flag of ['--version 4|3', '--purpose local|public', '--format paserk|pem', '--json']) expect(out).to.include(flag);
    }
    const main = await run('--help');
    expect(main.code).to.equal(0);
    expect(main.out).to.include('keygen');
    expect((await run('help')).code).to.equal(0);
  });

  it('--version prints the package version and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const { code, out, err } = await run(flag);
      expect(code, err).to.equal(0);
      expect(out).to.equal(`${version}\n`);
    }
    expect((await run('--help')).out).to.include('--version');
  });

  it("'help keygen' shows keygen's help, as 'keygen --help' does", async () => {
    const { code, out, err } = await run('help', 'keygen');
    expect(code, err).to.equal(0);
    expect(out).to.equal((await run('keygen', '--help')).out);
    const unknown = await run('help', 'frobnicate');
    expect(unknown.code).to.equal(2);
    expect(unknown.err).to.match(/unknown command 'frobnicate'/);
  });

  const BAD: ReadonlyArray<{ argv: string[]; message: RegExp }> = [
    { argv: ['keygen', '--version', '2'], message: /--version must be 4 or 3, got '2'/ },
    { argv: ['keygen', '--version', 'v4'], message: /--version must be 4 or 3/ },
    { argv: ['keygen', '--purpose', 'secret'], message: /--purpose must be local or public, got 'secret'/ },
    { argv: ['keygen', '--format', 'der'], message: /--format must be paserk or pem, got 'der'/ },
    { argv: ['keygen', '--format', 'pem'], message: /a local \(symmetric\) key has no PEM form/ },
    { argv: ['keygen', '--purpose', 'local', '--format', 'pem'], message: /--format pem applies to --purpose public only/ },
    { argv: ['keygen', '--bogus'], message: /Unknown option '--bogus'/ },
    { argv: ['keygen', '--version'], message: /--version/ },
    { argv: ['keygen', 'extra'], message: /unexpected argument 'extra'/ },
    { argv: ['keygen', '--json=yes'], message: /--json/ },
    { argv: ['frobnicate'], message: /unknown command 'frobnicate'/ },
    { argv: [], message: /Usage: paseto-controllers <command>/ },
  ];
  for (const { argv, message } of BAD) {
    it(`refuses ${JSON.stringify(argv.join(' '))} with a clear message on stderr and exit code 2`, async () => {
      const { code, out, err } = await run(...argv);
      expect(code).to.equal(2);
      expect(out).to.equal('');
      expect(err).to.match(message);
    });
  }

  describe('as a process (what npx runs)', () => {
    const cli = join(__dirname, '..', 'src', 'cli.ts');
    const node = (args: string[]) =>
      spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', cli, ...args], { encoding: 'utf8', cwd: join(__dirname, '..'), timeout: 30_000 });

    it('prints keys and exits 0', () => {
      const result = node(['keygen', '--purpose', 'public']);
      expect(result.status, result.stderr).to.equal(0);
      expect(result.stdout).to.match(/^PASETO_PRIVATE_KEY=k4\.secret\./m).and.match(/^PASETO_PUBLIC_KEY=k4\.public\./m);
    });

    it('exits non-zero with the message on stderr for a bad flag', () => {
      const result = node(['keygen', '--version', '5']);
      expect(result.status).to.equal(2);
      expect(result.stdout).to.equal('');
      expect(result.stderr).to.include("--version must be 4 or 3, got '5'");
    });
  });
});
