import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoServer } from '../../packages/widget/test/browser/harness.js';
import {
  hasChromium,
  launchBrowser,
  startDemoServer,
  watchPageErrors,
} from '../../packages/widget/test/browser/harness.js';

const example = readFileSync(new URL('./index.html', import.meta.url), 'utf8');

/**
 * The example as a site owner uses it: served from its own origin, with the
 * tag pointed at a Parley server on another origin and a real pk_ key.
 */
describe.skipIf(!hasChromium && !process.env.CI)('examples/html-embed', () => {
  let browser: Browser;
  let demo: DemoServer;
  let site: http.Server;
  let siteUrl: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    demo = await startDemoServer();
    site = http.createServer();
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    const key = await demo.t.admin(
      'POST',
      `/v1/admin/tenants/${demo.t.app.services.demo!.tenantId}/keys`,
      { type: 'publishable', allowedOrigins: [siteUrl] },
    );
    const page = example
      .replace('http://localhost:3000/widget.js', `${demo.url}/widget.js`)
      .replace('pk_REPLACE_WITH_YOUR_PUBLISHABLE_KEY', key.body.key);
    site.on('request', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    });
  });
  afterAll(async () => {
    await browser?.close();
    site?.closeAllConnections();
    await new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve()));
    await demo?.t.close();
  });

  it('has the one script tag and a placeholder key to replace', () => {
    expect(example).toMatch(
      /<script\s+src="http:\/\/localhost:3000\/widget\.js"\s+data-parley-key="pk_REPLACE_WITH_YOUR_PUBLISHABLE_KEY"\s+async\s*><\/script>/,
    );
  });

  it('loads the widget cross-origin and answers', async () => {
    const page = await browser.newPage();
    const errors = watchPageErrors(page);
    await page.goto(`${siteUrl}/`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const input = page.getByRole('textbox', { name: 'Message' });
    await input.fill('Hello from my site');
    await input.press('Enter');
    const answer = page.locator('parley-widget .msg.assistant[data-status="complete"]');
    await answer.waitFor({ timeout: 15_000 });
    expect(await answer.textContent()).toContain('"Hello from my site"');
    expect(errors).toEqual([]);
    await page.close();
  });
});
