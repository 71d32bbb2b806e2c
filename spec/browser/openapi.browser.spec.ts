import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, requireChromium } from './chromium';
import { startDemo, type RunningDemo } from '../demo/helpers';

/** Swagger UI's block of the GET /me operation. */
const ME = '.opblock-get:has(.opblock-summary-path[data-path="/me"])';

describe('Swagger UI of the demo in a real browser (headless Chromium)', function () {
  this.timeout(60_000);

  let demo: RunningDemo | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];
  const offOrigin: string[] = [];

  before(async function () {
    requireChromium(this, 'THE SWAGGER UI END-TO-END TEST');
    demo = await startDemo();
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const origin = demo.url;
    page.on('request', (request) => {
      if (!request.url().startsWith(origin) && !request.url().startsWith('data:')) offOrigin.push(request.url());
    });
  });

  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  /** Try it out → Execute on GET /me; resolves to the status and body Swagger UI shows. */
  async function executeMe(): Promise<{ status: string; body: string }> {
    const block = page.locator(ME);
    const tryItOut = block.locator('button.try-out__btn');
    if ((await tryItOut.textContent())?.trim() === 'Try it out') await tryItOut.click();
    // A previous answer is cleared first, so the one read below is the new one.
    const clear = block.locator('button.btn-clear');
    if ((await clear.count()) > 0) await clear.click();
    await block.locator('button.execute').click();
    const status = block.locator('.live-responses-table .response .response-col_status');
    await status.waitFor();
    return {
      status: ((await status.textContent()) ?? '').trim(),
      body: (await block.locator('.live-responses-table .response-col_description .microlight').first().textContent()) ?? '',
    };
  }

  it('serves /docs offline, shows the PASETO scheme, and calls GET /me: 401 before Authorize, 200 after', async () => {
    if (!demo) throw new Error('demo not started');
    await page.goto(`${demo.url}/docs/`);
    await page.locator(ME).waitFor();
    expect(await page.locator('.swagger-ui .info .title').textContent()).to.include('paseto-controllers demo');

    // Without a token: the route refuses, and the UI shows our error body.
    await page.locator(`${ME} .opblock-summary`).click();
    const anonymous = await executeMe();
    expect(anonymous.status).to.match(/^401/);
    expect(JSON.parse(anonymous.body)).to.include({ code: 'token_missing', status: 401 });

    // Log in through the demo's route (from the page, as a client of the API would).
    const token = await page.evaluate(async () => {
      const response = await fetch('/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'test', password: 'test' }) });
      return ((await response.json()) as { access_token: string }).access_token;
    });
    expect(token).to.match(/^v4\.local\./);

    // Authorize: the dialog offers the bearer scheme the document declares.
    await page.locator('.scheme-container button.authorize').click();
    const dialog = page.locator('.dialog-ux .modal-ux');
    await dialog.waitFor();
    expect(await dialog.textContent()).to.include('PasetoBearer').and.include('(http, Bearer)').and.include('A PASETO (v4.local) in the Authorization header');
    await dialog.locator('input').first().fill(token);
    await dialog.locator('button.modal-btn.authorize').click();
    await dialog.locator('button.btn-done').click();

    const authorized = await executeMe();
    expect(authorized.status).to.match(/^200/);
    expect(JSON.parse(authorized.body)).to.deep.equal({ user: { username: 'test', name: 'Test User', roles: [] } });

    expect(pageErrors).to.deep.equal([]);
    expect(offOrigin, 'requests that left the demo (the page must work offline)').to.deep.equal([]);
  });
});
