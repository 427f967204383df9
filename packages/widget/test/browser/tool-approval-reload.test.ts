import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/src/config/env.js';
import { OfflineProvider } from '../../../server/src/providers/offline-provider.js';
import { ProviderRegistry } from '../../../server/src/providers/registry.js';
import { startTestApp } from '../../../server/test/helpers/test-app.js';
import type { DemoServer } from './harness.js';
import { hasChromium, launchBrowser, startDemoServer, watchPageErrors } from './harness.js';

/**
 * Issue 6 in a real page: an approval survives a reload, and a page's own
 * tool (Parley.registerTool) runs in the page when the model calls it.
 */
describe.skipIf(!hasChromium && !process.env.CI)('approvals across reloads, page tools', () => {
  let browser: Browser;
  let demo: DemoServer;

  beforeAll(async () => {
    browser = await launchBrowser();
    const tools = {
      ...loadConfig({}, { jwtSecret: 'x'.repeat(32) }).tools,
      approvalTimeoutMs: 60_000,
      clientToolTimeoutMs: 60_000,
    };
    const app = await startTestApp({
      providers: new ProviderRegistry().register(new OfflineProvider(0)),
      config: { tools },
    });
    demo = await startDemoServer(app, { memory: { enabled: false } });
    const tenantId = demo.t.app.services.demo!.tenantId;
    const base = `/v1/admin/tenants/${tenantId}/tools`;
    for (const [tool, body] of [
      ['calculator', { needsApproval: true }],
      ['weather', { enabled: false }], // so the page may offer its own
    ] as const) {
      const put = await demo.t.admin('PUT', `${base}/${tool}`, body);
      if (put.status !== 200) throw new Error(`${tool}: ${put.status} ${put.text}`);
    }
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.t.close();
  });

  it('asks again after a reload and shows the answer once approved', async () => {
    const page = await browser.newPage();
    const errors = watchPageErrors(page);
    await page.goto(`${demo.url}/`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const dialog = page.getByRole('dialog', { name: 'Acme Assistant' });
    await page.getByRole('textbox', { name: 'Message' }).fill('(3+4)*12 km to miles');
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');
    await dialog.getByRole('group', { name: 'Allow calculator?' }).waitFor({ timeout: 15_000 });

    await page.reload();
    const question = dialog.getByRole('group', { name: 'Allow calculator?' });
    await question.waitFor({ timeout: 15_000 }); // the panel reopens with the question
    await question.getByRole('button', { name: 'Approve' }).click();
    const answer = dialog.locator('.msg.assistant[data-status="complete"]');
    await answer.waitFor({ timeout: 15_000 });
    expect(await answer.textContent()).toContain('52.19');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('runs a tool the page registered with Parley.registerTool', async () => {
    const page = await browser.newPage();
    const errors = watchPageErrors(page);
    await page.goto(`${demo.url}/`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.evaluate(() => {
      window.Parley!.registerTool({
        name: 'weather',
        description: "Reads the weather widget on the user's page",
        parameters: {
          type: 'object',
          required: ['location'],
          properties: { location: { type: 'string' } },
        },
        execute: (args) => ({
          summary: `Sunny on the page in ${(args as { location: string }).location}`,
        }),
      });
    });
    const dialog = page.getByRole('dialog', { name: 'Acme Assistant' });
    await page.getByRole('textbox', { name: 'Message' }).fill('What is the weather in Lisbon?');
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');
    const answer = dialog.locator('.msg.assistant[data-status="complete"]');
    await answer.waitFor({ timeout: 15_000 });
    expect(await answer.textContent()).toContain('Sunny on the page in Lisbon');
    expect(errors).toEqual([]);
    await page.close();
  });
});
