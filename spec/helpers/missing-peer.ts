import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../..');

/**
 * Source of a prelude that makes `require()` of each named package (and its subpaths) fail with
 * MODULE_NOT_FOUND, as for a user who never installed it.
 */
export function withoutPackages(...names: readonly string[]): string {
  return `
const Module = require('node:module');
const resolveFilename = Module._resolveFilename;
const absent = ${JSON.stringify(names)};
Module._resolveFilename = function (request, ...rest) {
  if (absent.some((name) => request === name || request.startsWith(name + '/'))) {
    const error = new Error("Cannot find module '" + request + "'");
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return resolveFilename.call(this, request, ...rest);
};
`;
}

/** Runs `script` in a fresh node process at the repository's root, with ts-node and reflect-metadata. */
export function runNodeScript(script: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'reflect-metadata', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    timeout: 55_000,
  });
}
