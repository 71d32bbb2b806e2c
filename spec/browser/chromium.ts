import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium package; playwright-core never downloads a browser here. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags for a headless, root-run Chromium on a machine with a closed network: without the
 * background-networking ones it keeps dialling Google's hosts. playwright-core gives every
 * launch a fresh, temporary profile (--user-data-dir) of its own.
 */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Skips the suite, loudly, on a machine without Chromium, and fails it in CI (`.ci/run` installs
 * the browser). Call first in a `before` hook; `what` names the test in the warning.
 */
export function requireChromium(context: Mocha.Context, what: string): void {
  if (existsSync(CHROMIUM)) return;
  const reason = `${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium; .ci/run does).`;
  if (process.env.CI === 'true') throw new Error(`Browser test cannot run in CI: ${reason}`);
  console.warn(`\n${'!'.repeat(100)}\n!!! SKIPPING ${what}: ${reason}\n${'!'.repeat(100)}\n`);
  context.skip();
}

/** A headless Chromium with {@link CHROMIUM_ARGS}. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}
