import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository's root. */
export const ROOT = join(__dirname, '..', '..');

/** A file of the repository, as text. */
export function readRepoFile(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8');
}

/** The user documentation: the README and every docs page. */
export const USER_DOCS: readonly string[] = ['README.md', 'docs/cli.md', 'docs/demo.md', 'docs/http.md', 'docs/keys.md', 'docs/socket.md', 'docs/testing.md', 'docs/design-notes.md'];

/** Every fenced block of a language in a Markdown text, with the line its fence opens on. */
export function fencedBlocks(markdown: string, language: string): Array<{ line: number; code: string }> {
  const blocks: Array<{ line: number; code: string }> = [];
  for (const match of markdown.matchAll(new RegExp('^```' + language + '\\n([\\s\\S]*?)^```', 'gm'))) {
    blocks.push({ line: markdown.slice(0, match.index).split('\n').length, code: match[1] });
  }
  return blocks;
}
