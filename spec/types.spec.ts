// The package's types as a user compiles them: declarations emitted from src/ into a fresh project's
// node_modules/paseto-controllers (with the real package.json's entry points), then
//  - every ```ts snippet of the README and docs/*.md, each as a standalone file, under the README's tsconfig.json;
//  - CONSUMER below (options, configurePaseto's typo check, the handle's types) under
//    `tsc --init`'s defaults and with moduleResolution node10, nodenext and bundler.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { fencedBlocks, readRepoFile, ROOT, USER_DOCS } from './helpers/markdown';

/** A user's file: each `@ts-expect-error` must meet its error, or the compilation reports it unused. */
const CONSUMER = `// A user's file, compiled against the package's published types under several compiler settings.
import {
  configurePaseto,
  PasetoAuthService,
  type AuthPaseto,
  type PasetoAuthOptions,
  type VerifiedToken,
} from 'paseto-controllers';
import { createTestAuth, TestClock, type TestAuth } from 'paseto-controllers/testing';

// exactOptionalPropertyTypes: a variable that may be undefined is accepted for an optional option.
const options: PasetoAuthOptions = { secretKey: process.env.PASETO_SECRET_KEY, decodeIssuer: undefined };
configurePaseto(options);
configurePaseto({ secretKey: process.env.PASETO_SECRET_KEY, accessTokenExpires: 900 });

// @ts-expect-error -- a misspelt option does not compile
configurePaseto({ secretKy: 'x', accessTokenExpires: 900 });

// @ts-expect-error -- tokenLocation is a list
configurePaseto({ secretKey: 'x', tokenLocation: 'headers' });

export async function subjectOf(auth: PasetoAuthService, handle: AuthPaseto): Promise<string | number> {
  const token: string = await auth.createAccessToken({ subject: 'alice' });
  const verified: VerifiedToken = await auth.verifyToken(token);
  const jti: string | null = verified.jti;
  const maybe: string | number | null = handle.getSubjectOrNull();
  return jti === null || maybe === null ? verified.subject : handle.getSubject();
}

export const service = new PasetoAuthService({ secretKey: process.env.PASETO_SECRET_KEY });

// The test kit's entry point resolves too (moduleResolution node10 through typesVersions).
export const kit: TestAuth = createTestAuth({ clock: new TestClock(0), accessTokenExpires: 60 });
export const header: Record<string, string> = kit.authHeader('token');
// @ts-expect-error -- the kit's clock is a TestClock
createTestAuth({ clock: { now: () => 0 } });
`;

interface Manifest {
  name: string;
  version: string;
  main: string;
  types: string;
  exports: unknown;
  typesVersions: unknown;
}

/** Parses compiler options as a tsconfig.json would give them, relative to `dir`. */
function parseOptions(json: unknown, dir: string): ts.CompilerOptions {
  const parsed = ts.parseJsonConfigFileContent(json, ts.sys, dir);
  // 18003: no input files — the tsconfig's `include` is for the user's project, not needed here.
  const errors = parsed.errors.filter((d) => d.code !== 18003);
  expect(errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).to.deep.equal([]);
  return parsed.options;
}

function format(diagnostics: readonly ts.Diagnostic[]): string[] {
  return diagnostics.map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (d.file === undefined || d.start === undefined) return text;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${d.file.fileName.replace(/^.*\/(node_modules|project)\//, '$1/')}:${line + 1}: ${text}`;
  });
}

/** One parse per file for every program of this spec: the dependencies' .d.ts are shared. */
const parsed = new Map<string, ts.SourceFile | undefined>();
function compile(files: readonly string[], options: ts.CompilerOptions): string[] {
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, ...rest) => {
    const key = `${fileName}|${typeof language === 'object' ? `${language.languageVersion}:${language.impliedNodeFormat}` : language}`;
    if (!parsed.has(key) || !fileName.endsWith('.d.ts')) parsed.set(key, getSourceFile(fileName, language, ...rest));
    return parsed.get(key);
  };
  return format(ts.getPreEmitDiagnostics(ts.createProgram(files, { ...options, noEmit: true }, host)));
}

describe('the package types in a fresh TypeScript project', function () {
  this.timeout(180_000);
  let project = '';

  before(() => {
    project = mkdtempSync(join(tmpdir(), 'paseto-types-'));
    const modules = join(project, 'node_modules');
    mkdirSync(modules);
    for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
      if (!entry.startsWith('.')) symlinkSync(join(ROOT, 'node_modules', entry), join(modules, entry), 'dir');
    }
    // The package as published: its manifest's entry points over declarations emitted from src/.
    const pkg = join(modules, 'paseto-controllers');
    const manifest = JSON.parse(readRepoFile('package.json')) as Manifest;
    const build = ts.readConfigFile(join(ROOT, 'tsconfig.build.json'), ts.sys.readFile).config as unknown;
    const buildOptions = parseOptions(build, ROOT);
    const sources = ts.parseJsonConfigFileContent(build, ts.sys, ROOT).fileNames;
    const emit = ts.createProgram(sources, { ...buildOptions, outDir: join(pkg, 'dist'), emitDeclarationOnly: true, declarationMap: false, sourceMap: false }).emit();
    expect(format(emit.diagnostics)).to.deep.equal([]);
    const { name, version, main, types, exports, typesVersions } = manifest;
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name, version, main, types, exports, typesVersions }));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true }));
    // docs/demo.md's snippet is a file at the repository's root, next to demo/ and src/.
    mkdirSync(join(project, 'repository'));
    for (const dir of ['demo', 'src']) symlinkSync(join(ROOT, dir), join(project, 'repository', dir), 'dir');
  });

  after(() => {
    if (project !== '') rmSync(project, { recursive: true, force: true });
  });

  it('every README and docs snippet compiles as a standalone file with the README tsconfig.json', () => {
    const [tsconfig] = fencedBlocks(readRepoFile('README.md'), 'json');
    expect(tsconfig, 'a ```json tsconfig in the README').to.not.equal(undefined);
    const options = parseOptions(JSON.parse(tsconfig.code) as unknown, project);
    const files: string[] = [];
    for (const doc of USER_DOCS.filter((name) => name !== 'docs/demo.md')) {
      for (const { line, code } of fencedBlocks(readRepoFile(doc), 'ts')) {
        const file = join(project, `${doc.replace(/[/.]/g, '-')}-line-${line}.ts`);
        writeFileSync(file, code);
        files.push(file);
      }
    }
    expect(files.length).to.be.greaterThan(15);
    expect(compile(files, options)).to.deep.equal([]);
  });

  it("docs/demo.md's snippet compiles as a file at the repository's root, with the repository's tsconfig.json", () => {
    const blocks = fencedBlocks(readRepoFile('docs/demo.md'), 'ts');
    expect(blocks).to.have.length(1);
    const file = join(project, 'repository', 'demo-snippet.ts');
    writeFileSync(file, blocks[0].code);
    const repoOptions = parseOptions(ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile).config, ROOT);
    expect(compile([file], { ...repoOptions, rootDir: undefined })).to.deep.equal([]);
  });

  const SETTINGS: ReadonlyArray<{ name: string; extension: '.ts' | '.mts'; options: () => ts.CompilerOptions }> = [
    {
      // tsc --init gives verbatimModuleSyntax: an ES module file (.mts), as it requires.
      name: "TypeScript's `tsc --init` defaults",
      extension: '.mts',
      options: () => {
        const dir = join(project, 'init');
        mkdirSync(dir, { recursive: true });
        execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--init'], { cwd: dir, stdio: 'ignore' });
        const init = ts.readConfigFile(join(dir, 'tsconfig.json'), ts.sys.readFile).config as { compilerOptions: Record<string, unknown> };
        expect(init.compilerOptions).to.include({ strict: true, exactOptionalPropertyTypes: true, verbatimModuleSyntax: true, module: 'nodenext' });
        return parseOptions({ compilerOptions: { ...init.compilerOptions, types: ['node'] } }, project);
      },
    },
    { name: 'moduleResolution node10', extension: '.ts', options: () => parseOptions({ compilerOptions: { target: 'es2022', module: 'commonjs', moduleResolution: 'node10', strict: true, esModuleInterop: true } }, project) },
    { name: 'moduleResolution nodenext', extension: '.ts', options: () => parseOptions({ compilerOptions: { module: 'nodenext', strict: true, exactOptionalPropertyTypes: true } }, project) },
    { name: 'moduleResolution bundler', extension: '.ts', options: () => parseOptions({ compilerOptions: { target: 'es2022', module: 'esnext', moduleResolution: 'bundler', strict: true, exactOptionalPropertyTypes: true } }, project) },
  ];
  for (const { name, extension, options } of SETTINGS) {
    it(`the package types work under ${name}; a misspelt option fails to compile`, () => {
      const file = join(project, `consumer${extension}`);
      writeFileSync(file, CONSUMER);
      expect(compile([file], options())).to.deep.equal([]);
    });
  }
});
