#!/usr/bin/env node
/**
 * The `paseto-controllers` command: `paseto-controllers keygen [--version 4|3] [--purpose local|public]
 * [--format paserk|pem] [--json]`. Everything but the last line is side-effect free so that
 * {@link runCli} can be tested without spawning a process.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateKeys } from './keys/generate';
import type { PasetoPurpose, PasetoVersion } from './config/options';

/** Where {@link runCli} writes; the defaults are the process's stdout and stderr. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Exit codes: 0 success, 1 failure while generating, 2 a usage error (bad command, flag or value). */
export const ExitCode = Object.freeze({ ok: 0, failure: 1, usage: 2 });

/** Key encodings the CLI can print. */
export type KeyFormat = 'paserk' | 'pem';

/** The parsed `keygen` request. */
export interface KeygenRequest {
  version: PasetoVersion;
  purpose: PasetoPurpose;
  format: KeyFormat;
  json: boolean;
}

/** Key material as printed: the strings to paste into configuration and the key's PASERK id. */
export interface PrintableKeys {
  version: PasetoVersion;
  purpose: PasetoPurpose;
  format: KeyFormat;
  /** PASERK id (`k4.lid.…` for local keys, `k4.pid.…` for public ones): the `kid` tokens carry. */
  kid: string;
  /** Local purpose: the symmetric key. */
  secretKey?: string;
  /** Public purpose: the signing key. */
  privateKey?: string;
  /** Public purpose: the verification key. */
  publicKey?: string;
}

const PROGRAM = 'paseto-controllers';

const MAIN_HELP = `Usage: ${PROGRAM} <command> [options]

Commands:
  keygen    Generate a PASETO key (or key pair) and print it ready for configuration
  help      Show this help ('help keygen': the options of keygen)

Options:
  --version    Print the version of ${PROGRAM}
  -h, --help   Show this help

Run '${PROGRAM} keygen --help' for the options of keygen.
`;

const KEYGEN_HELP = `Usage: ${PROGRAM} keygen [--version 4|3] [--purpose local|public] [--format paserk|pem] [--json]

Generate a new PASETO key and print it with its PASERK id (kid), as environment lines
and as PasetoAuthService options. The output is a valid .env file: keygen > .env

Options:
  --version 4|3             PASETO version (default 4). v4 uses XChaCha20/BLAKE2b (local) and
                            Ed25519 (public); v3 uses AES-256-CTR/HMAC-SHA384 (local) and P-384 (public).
  --purpose local|public    'local' (default): one symmetric secret key; tokens are encrypted.
                            'public': a key pair; tokens are signed, anyone with the public key verifies.
  --format paserk|pem       Encoding of the keys (default paserk, e.g. k4.local.…, k4.secret.…).
                            'pem' (PKCS#8 / SPKI) applies to public key pairs only: a local key has
                            no PEM form.
  --json                    Print one JSON object instead of the annotated text (e.g. to write
                            .pem files: ... --format pem --json | jq -r .privateKey > private.pem).
  -h, --help                Show this help.

Examples:
  ${PROGRAM} keygen                         # v4.local secret key, PASETO_SECRET_KEY=k4.local.…
  ${PROGRAM} keygen --purpose public        # v4.public Ed25519 key pair in PASERK
  ${PROGRAM} keygen --version 3 --purpose public --format pem
`;

/** The package's version, read from its package.json (one level above `src/` and `dist/`). */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/** A usage mistake: printed to stderr with a hint, exit code 2. */
class UsageError extends Error {}

const defaultIO: CliIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * Parse the arguments of `keygen` (everything after the command name).
 *
 * @param args - the arguments after `keygen`
 * @returns the request, or `'help'` when help was asked
 * @throws UsageError on an unknown flag, a missing or bad value, or a stray positional argument
 */
export function parseKeygenArgs(args: readonly string[]): KeygenRequest | 'help' {
  let parsed: ReturnType<typeof parseKeygenOptions>;
  try {
    parsed = parseKeygenOptions(args);
  } catch (error) {
    // parseArgs' messages are precise but long-winded; keep their first sentence.
    const message = error instanceof Error ? error.message.split('. ')[0].replace(/\.$/, '') : String(error);
    throw new UsageError(message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);

  const version = values.version ?? '4';
  if (version !== '4' && version !== '3') throw new UsageError(`--version must be 4 or 3, got '${version}'`);
  const purpose = values.purpose ?? 'local';
  if (purpose !== 'local' && purpose !== 'public') throw new UsageError(`--purpose must be local or public, got '${purpose}'`);
  const format = values.format ?? 'paserk';
  if (format !== 'paserk' && format !== 'pem') throw new UsageError(`--format must be paserk or pem, got '${format}'`);
  if (purpose === 'local' && format === 'pem') {
    throw new UsageError('--format pem applies to --purpose public only: a local (symmetric) key has no PEM form; use --format paserk');
  }
  return { version: version === '3' ? 3 : 4, purpose, format, json: values.json === true };
}

function parseKeygenOptions(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: true,
    options: {
      version: { type: 'string' },
      purpose: { type: 'string' },
      format: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/**
 * Generate the keys of a request.
 *
 * @param request - version, purpose and format
 * @returns the printable keys with their PASERK id
 */
export function generatePrintableKeys(request: Pick<KeygenRequest, 'version' | 'purpose' | 'format'>): PrintableKeys {
  const generated = generateKeys({ version: request.version, purpose: request.purpose, format: request.format });
  const keys: PrintableKeys = { version: request.version, purpose: request.purpose, format: request.format, kid: generated.kid };
  if (generated.secretKey !== undefined) keys.secretKey = generated.secretKey;
  if (generated.privateKey !== undefined) keys.privateKey = generated.privateKey;
  if (generated.publicKey !== undefined) keys.publicKey = generated.publicKey;
  return keys;
}

/**
 * One `NAME=value` line. A PEM value spans lines, so it is single-quoted with its real newlines:
 * a shell (`set -a; . ./.env`) and dotenv both read that back unchanged, where `\n` escapes in
 * double quotes stay a literal backslash-n in a shell. PEM text never holds a quote.
 */
export function envLine(name: string, value: string): string {
  return value.includes('\n') ? `${name}='${value.trimEnd()}\n'` : `${name}=${value}`;
}

/**
 * The annotated text `keygen` prints: the kid, environment lines and options. Everything but the
 * `NAME=value` lines is a comment, so the output is itself a valid `.env` file and shell script
 * (`keygen > .env`, or `set -a; . ./.env; set +a`).
 *
 * @param keys - what {@link generatePrintableKeys} returned
 */
export function formatKeys(keys: PrintableKeys): string {
  const name = `v${keys.version}.${keys.purpose}`;
  const lines: string[] = [];
  lines.push(`# PASETO ${name} ${keys.purpose === 'local' ? 'secret key' : 'key pair'} (${keys.format === 'pem' ? 'PEM' : 'PASERK'})`);
  lines.push(`# kid (PASERK id, put in token footers for key rotation): ${keys.kid}`);
  if (keys.purpose === 'local') {
    lines.push('# Keep the secret key secret: whoever holds it can read and mint tokens.');
  } else {
    lines.push('# Keep the private key secret (it signs tokens); the public key only verifies and may be shared.');
  }
  if (keys.format === 'pem') {
    lines.push('# PEM values span lines in single quotes (read as is by a shell and dotenv); for .pem files use --json.');
  }
  lines.push('');
  lines.push('# Environment (e.g. .env):');
  lines.push(envLine('PASETO_VERSION', String(keys.version)));
  lines.push(envLine('PASETO_PURPOSE', keys.purpose));
  if (keys.secretKey !== undefined) lines.push(envLine('PASETO_SECRET_KEY', keys.secretKey));
  if (keys.privateKey !== undefined) lines.push(envLine('PASETO_PRIVATE_KEY', keys.privateKey));
  if (keys.publicKey !== undefined) lines.push(envLine('PASETO_PUBLIC_KEY', keys.publicKey));
  lines.push(envLine('PASETO_KID', keys.kid));
  lines.push('');
  lines.push('# PasetoAuthService options:');
  lines.push(`# ${optionsSnippet(keys)}`);
  return `${lines.join('\n')}\n`;
}

/** The options object to paste, reading the key(s) from the environment lines above. */
function optionsSnippet(keys: PrintableKeys): string {
  const fields = [`version: ${keys.version}`, `purpose: '${keys.purpose}'`];
  if (keys.secretKey !== undefined) fields.push('secretKey: process.env.PASETO_SECRET_KEY');
  if (keys.privateKey !== undefined) fields.push('privateKey: process.env.PASETO_PRIVATE_KEY');
  if (keys.publicKey !== undefined) fields.push('publicKey: process.env.PASETO_PUBLIC_KEY');
  return `new PasetoAuthService({ ${fields.join(', ')} })`;
}

/**
 * Run the command line.
 *
 * @param argv - the arguments after the program name (`process.argv.slice(2)`)
 * @param io - where output goes; defaults to the process's stdout / stderr
 * @returns the exit code: 0 success, 1 failure, 2 usage error
 */
export async function runCli(argv: readonly string[], io: CliIO = defaultIO): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v') {
    io.stdout(`${packageVersion()}\n`);
    return ExitCode.ok;
  }
  if (command === 'help' && rest.length > 0) {
    if (rest[0] !== 'keygen') {
      io.stderr(`${PROGRAM}: unknown command '${rest[0]}'\n\n${MAIN_HELP}`);
      return ExitCode.usage;
    }
    io.stdout(KEYGEN_HELP);
    return ExitCode.ok;
  }
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    (command === undefined ? io.stderr : io.stdout)(MAIN_HELP);
    return command === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (command !== 'keygen') {
    io.stderr(`${PROGRAM}: unknown command '${command}'\n\n${MAIN_HELP}`);
    return ExitCode.usage;
  }
  let request: KeygenRequest | 'help';
  try {
    request = parseKeygenArgs(rest);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`${PROGRAM} keygen: ${error.message}\nRun '${PROGRAM} keygen --help' for usage.\n`);
    return ExitCode.usage;
  }
  if (request === 'help') {
    io.stdout(KEYGEN_HELP);
    return ExitCode.ok;
  }
  try {
    const keys = generatePrintableKeys(request);
    io.stdout(request.json ? `${JSON.stringify(keys, null, 2)}\n` : formatKeys(keys));
    return ExitCode.ok;
  } catch (error) {
    io.stderr(`${PROGRAM} keygen: failed to generate keys: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.failure;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${PROGRAM}: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = ExitCode.failure;
    },
  );
}
