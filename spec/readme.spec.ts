import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { USER_DOCS } from './helpers/markdown';

const root = join(__dirname, '..');
const read = (file: string): string => readFileSync(join(root, file), 'utf8');

/** The ```ts blocks of a Markdown section, from its heading to the next heading of that level. */
function codeBlocks(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n${heading}\n`);
  expect(start, `heading "${heading}"`).to.be.greaterThan(-1);
  const level = heading.split(' ')[0];
  const rest = markdown.slice(start + heading.length + 2);
  const end = rest.search(new RegExp(`\\n${level} `));
  const section = end < 0 ? rest : rest.slice(0, end);
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]);
}

/** Lines that carry code: import statements (which differ: package name vs. source paths) and the listening call left out. */
function codeLines(block: string): string[] {
  return block
    .replace(/^import\b[^;]*?;$/gms, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('http.listen(') && !line.startsWith('//'));
}

function expectRunBy(block: string, specFile: string): void {
  const spec = read(specFile);
  // A spec declares with `let` outside the test what the snippet declares with `const`, for cleanup.
  const missing = codeLines(block).filter((line) => !spec.includes(line.replace(/^(const|export) /, '')));
  expect(missing, `lines of the README not run by ${specFile}`).to.deep.equal([]);
}

describe('README quick starts are code the tests run', () => {
  const readme = read('README.md');

  it('HTTP: every line is in spec/http/quickstart.spec.ts, and docs/http.md shows the same code', () => {
    const [block] = codeBlocks(readme, '## Quick start: HTTP');
    expectRunBy(block, 'spec/http/quickstart.spec.ts');
    expect(codeBlocks(read('docs/http.md'), '## Quick start')[0]).to.equal(block);
  });

  it('Secure by default: every line is in spec/http/secure-by-default.spec.ts', () => {
    const [block] = codeBlocks(readme, '## Secure by default');
    expectRunBy(block, 'spec/http/secure-by-default.spec.ts');
  });

  it('docs/http.md wiring by hand: every line is in spec/http/manual-wiring.spec.ts', () => {
    const [block] = codeBlocks(read('docs/http.md'), '## Wiring by hand');
    expectRunBy(block, 'spec/http/manual-wiring.spec.ts');
  });

  it('OpenAPI: every line is in spec/http/openapi.spec.ts', () => {
    const [block] = codeBlocks(readme, '## OpenAPI');
    expectRunBy(block, 'spec/http/openapi.spec.ts');
  });

  it('Auth events: every line of the recipe is in spec/events/rate-limit-recipe.spec.ts', () => {
    const [block] = codeBlocks(readme, '## Auth events');
    expectRunBy(block, 'spec/events/rate-limit-recipe.spec.ts');
  });

  it('Publishing keys: every line of the issuer and the verifier is in spec/keys/key-set.spec.ts, and docs/keys.md shows the same code', () => {
    const blocks = codeBlocks(readme, '## Publishing keys');
    expect(blocks).to.have.length(2);
    for (const block of blocks) expectRunBy(block, 'spec/keys/key-set.spec.ts');
    const docs = read('docs/keys.md');
    expect([...codeBlocks(docs, '## The issuer'), ...codeBlocks(docs, '## The verifiers')]).to.deep.equal(blocks);
  });

  it('Socket.IO: every line of the server and the client is in spec/socket/quickstart.spec.ts', () => {
    const blocks = codeBlocks(readme, '## Quick start: Socket.IO');
    expect(blocks).to.have.length(2);
    for (const block of blocks) expectRunBy(block, 'spec/socket/quickstart.spec.ts');
  });

  it('docs/testing.md: its route and socket.io tests are spec/testing/docs-*.spec.ts, line for line', () => {
    const doc = read('docs/testing.md');
    for (const [heading, spec] of [['## A route test (supertest)', 'spec/testing/docs-route.spec.ts'], ['## A socket.io test', 'spec/testing/docs-socket.spec.ts']]) {
      const [block] = codeBlocks(doc, heading);
      expect(codeLines(block), spec).to.deep.equal(codeLines(read(spec)));
    }
  });

  it('user docs say things in their own words: no "DESIGN" (the maintainers\' contract is not shipped)', () => {
    for (const doc of USER_DOCS.filter((name) => name !== 'docs/design-notes.md')) {
      expect(read(doc).match(/\bDESIGN\b/g), doc).to.equal(null);
    }
  });

  it('the snippets compile as standalone files: spec/types.spec.ts does it for every one of them', () => {
    expect(read('spec/types.spec.ts')).to.include('every README and docs snippet compiles as a standalone file');
  });
});
