import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, requireChromium } from './chromium';
import { startDemo, type RunningDemo } from '../demo/helpers';
import { TestClock } from '../../src/testing/clock';
import { getSocketAuth } from '../../src/socket/middleware';

describe('demo in a real browser (headless Chromium)', function () {
  this.timeout(60_000);

  let demo: RunningDemo | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];
  const clock = new TestClock();

  before(async function () {
    requireChromium(this, 'THE BROWSER END-TO-END TEST');
    // The demo's service reads time from this clock (token times, live-session timers), so the
    // session warning is reached without waiting.
    demo = await startDemo({ paseto: { clock } });
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('logs in, calls /me, /admin, /fresh-action, /refresh, renews the session on its warning without a new socket, shows the new tokens, logs out: the socket ends, the session tokens are refused, the page is logged out', async () => {
    if (!demo) throw new Error('demo not started');
    await page.goto(`${demo.url}/`);
    expect(await page.title()).to.equal('paseto-controllers demo');

    // Log in as test/test (the form's defaults, typed anyway).
    await page.fill('#username', 'test');
    await page.fill('#password', 'test');
    await page.click('#login');
    await page.waitForFunction(() => document.getElementById('greeting')?.textContent?.includes('Test User'));
    expect(await page.textContent('#greeting')).to.equal('Hello, Test User! You are connected to /.');
    expect(await page.textContent('#socket-state')).to.equal('connected');
    expect(await page.textContent('#login-status')).to.equal('Logged in as test.');
    const loginToken = (await page.textContent('#access-token')) ?? '';
    expect(loginToken).to.match(/^v4\.local\.[\w-]{100,}/);
    // The socket-controllers namespace /query, token in ?token=.
    await page.waitForFunction(() => document.getElementById('query-greeting')?.textContent !== '');
    expect(await page.textContent('#query-greeting')).to.equal('Hello, Test User! You are connected to /query.');
    expect(await page.textContent('#query-state')).to.equal('connected');

    // GET /me with the bearer token.
    await page.click('#me');
    await page.waitForFunction(() => document.getElementById('api-result')?.textContent?.startsWith('GET /me'));
    const me = (await page.textContent('#api-result')) ?? '';
    expect(me).to.match(/^GET \/me → 200\n/);
    expect(JSON.parse(me.slice(me.indexOf('\n') + 1))).to.deep.equal({ user: { username: 'test', name: 'Test User', roles: [] } });

    const call = async (button: string, label: string): Promise<string> => {
      await page.evaluate(() => {
        const result = document.getElementById('api-result');
        if (result) result.textContent = '';
      });
      await page.click(button);
      await page.waitForFunction((prefix) => document.getElementById('api-result')?.textContent?.startsWith(prefix), label);
      return (await page.textContent('#api-result')) ?? '';
    };
    // Not an admin; the login's token is fresh.
    expect(await call('#admin', 'GET /admin')).to.match(/^GET \/admin → 403\n/);
    expect(await call('#fresh-action', 'POST /fresh-action')).to.match(/^POST \/fresh-action → 200\n/);
    // Rotation: a new pair of the same session; the new access token is not fresh.
    expect(await call('#refresh', 'POST /refresh')).to.match(/^POST \/refresh → 200\n/);
    expect(await call('#fresh-action', 'POST /fresh-action')).to.match(/^POST \/fresh-action → 401\n/);
    expect(await call('#me', 'GET /me')).to.match(/^GET \/me → 200\n/);


    // A minute before the access token expires the server warns; the page renews the token and
    // re-authenticates in band: the socket (its id) stays.
    const socketId = await page.textContent('#socket-id');
    expect(socketId).to.match(/^\S+$/);
    const [serverSocket] = demo.io.of('/').sockets.values();
    clock.set(getSocketAuth(serverSocket)!.expiresAt!.getTime() - 60_000);
    await page.waitForFunction(() => document.getElementById('session-warning')?.textContent?.startsWith('Re-authenticated'));
    expect(await page.textContent('#session-warning')).to.match(new RegExp(`^Re-authenticated on the same socket \\(${socketId}\\); the session now ends at \\d{4}-`));
    expect(await page.textContent('#socket-id')).to.equal(socketId);
    expect(await page.textContent('#socket-state')).to.equal('connected');
    // Up to the first token's end, the socket lives on, on the renewed token.
    clock.advance(59_000);
    await page.click('#me');
    await page.waitForFunction(() => document.getElementById('api-result')?.textContent?.startsWith('GET /me'));
    expect(await page.textContent('#socket-state')).to.equal('connected');
    expect(await page.textContent('#session-ended')).to.equal('');
    expect(await page.textContent('#access-token'), 'the page shows the renewed token').to.not.equal(loginToken);

    // POST /refresh: the page shows and sends the new (not fresh) access token; /fresh-action refuses it.
    await page.click('#refresh');
    await page.waitForFunction(() => document.getElementById('api-result')?.textContent?.startsWith('POST /refresh'));
    const refreshed = (await page.textContent('#api-result')) ?? '';
    const newToken = (JSON.parse(refreshed.slice(refreshed.indexOf('\n') + 1)) as { access_token: string }).access_token;
    expect(newToken).to.not.equal(loginToken);
    expect(await page.textContent('#access-token')).to.equal(newToken);
    expect((await page.getAttribute('#api-result', 'class')) ?? '').to.not.include('error');
    await page.click('#fresh-action');
    await page.waitForFunction(() => document.getElementById('api-result')?.textContent?.startsWith('POST /fresh-action'));
    expect(await page.textContent('#api-result')).to.match(/^POST \/fresh-action → 401\n/);
    expect((await page.getAttribute('#api-result', 'class')) ?? '', 'an error is styled as one').to.include('error');
    expect(await page.evaluate(() => getComputedStyle(document.getElementById('api-result') as HTMLElement).color)).to.equal('rgb(176, 0, 32)');
    // DEMO_SCREENSHOT=/tmp/demo.png: a look at the page with a long token and an error, then logged out.
    if (process.env.DEMO_SCREENSHOT) await page.screenshot({ path: process.env.DEMO_SCREENSHOT.replace(/\.png$/, '-error.png'), fullPage: true });

    // A fresh token again needs the password: log in again (new sockets with the new token).
    await page.click('#login');
    await page.waitForFunction((old) => document.getElementById('access-token')?.textContent !== old, newToken);
    await page.waitForFunction(() => document.getElementById('greeting')?.textContent !== '' && document.getElementById('query-greeting')?.textContent !== '');

    // Log out: the session is revoked, so the socket ends at once, the server saying why.
    await page.click('#logout');
    await page.waitForFunction(() => document.getElementById('session-ended')?.textContent !== '');
    expect(await page.textContent('#session-ended')).to.equal('session ended: Token has been revoked (token_revoked)');
    // Then the page reconnects with the login's access token, revoked with its session, and is refused before `connect`.
    await page.waitForFunction(() => document.getElementById('socket-error')?.textContent !== '');
    expect(await page.textContent('#socket-error')).to.equal('connect_error: Token has been revoked (token_revoked)');
    expect(await page.textContent('#socket-state')).to.equal('refused');
    // Once the refusal is shown the logout line says so, no longer "Reconnecting…".
    await page.waitForFunction(() => document.getElementById('logout-status')?.textContent?.includes('refused'));
    const loggedOut = (await page.textContent('#logout-status')) ?? '';
    expect(loggedOut).to.equal('Logged out: the session (every token of this login) revoked. Reconnecting with the revoked token was refused (see 3).');
    expect(loggedOut).to.not.include('Reconnecting the socket');
    expect(await page.textContent('#greeting')).to.equal('');
    // The page is back in its logged-out state.
    expect(await page.textContent('#login-status')).to.equal('Not logged in.');
    expect(await page.textContent('#access-token')).to.equal('none');
    expect(await page.textContent('#api-result')).to.equal('');
    for (const id of ['me', 'admin', 'fresh-action', 'refresh', 'logout']) expect(await page.isDisabled(`#${id}`), id).to.equal(true);
    if (process.env.DEMO_SCREENSHOT) await page.screenshot({ path: process.env.DEMO_SCREENSHOT, fullPage: true });

    // No uncaught exception in the page's script. (Console "Failed to load resource" lines are not
    // counted: the browser logs every 4xx, and socket.io's polling may hit its closed session once.)
    expect(pageErrors).to.deep.equal([]);
  });
});
