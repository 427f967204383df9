import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/src/config/env.js';
import { OfflineProvider } from '../../../server/src/providers/offline-provider.js';
import { ProviderRegistry } from '../../../server/src/providers/registry.js';
import { startTestApp } from '../../../server/test/helpers/test-app.js';
import type { DemoServer } from './harness.js';
import {
  hasChromium,
  launchBrowser,
  screenshotPath,
  startDemoServer,
  watchPageErrors,
} from './harness.js';

/**
 * A tool the tenant marked `needsApproval` (the calculator, driven by the
 * offline provider's rules): the turn waits for the visitor's answer.
 */
describe.skipIf(!hasChromium && !process.env.CI)('tool approval in the widget', () => {
  let browser: Browser;
  let demo: DemoServer;

  beforeAll(async () => {
    browser = await launchBrowser();
    const tools = {
      ...loadConfig({}, { jwtSecret: 'x'.repeat(32) }).tools,
      approvalTimeoutMs: 60_000,
    };
    const app = await startTestApp({
      providers: new ProviderRegistry().register(new OfflineProvider(0)),
      config: { tools },
    });
    demo = await startDemoServer(app, { memory: { enabled: false } });
    const tenantId = demo.t.app.services.demo!.tenantId;
    const put = await demo.t.admin('PUT', `/v1/admin/tenants/${tenantId}/tools/calculator`, {
      needsApproval: true,
    });
    if (put.status !== 200) throw new Error(`needsApproval: ${put.status} ${put.text}`);
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.t.close();
  });

  async function ask(page: Page, text: string) {
    const dialog = page.getByRole('dialog', { name: 'Acme Assistant' });
    await page.getByRole('textbox', { name: 'Message' }).fill(text);
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');
    const question = dialog.getByRole('group', { name: 'Allow calculator?' });
    await question.waitFor({ timeout: 15_000 });
    return { dialog, question };
  }

  it('runs the tool only after Approve, and not at all after Deny', async () => {
    const page = await browser.newPage();
    const errors = watchPageErrors(page);
    await page.goto(`${demo.url}/`);
    await page.getByRole('button', { name: 'Open chat' }).click();

    const first = await ask(page, '(3+4)*12 km to miles');
    expect(await first.question.textContent()).toContain('{"expression":"(3+4)*12 km to miles"}');
    // The turn is paused: no answer yet.
    expect(await first.dialog.locator('.msg.assistant').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('widget-tool-approval.png') });
    await first.question.getByRole('button', { name: 'Approve' }).click();
    const answer = first.dialog.locator('.msg.assistant[data-status="complete"]');
    await answer.waitFor({ timeout: 15_000 });
    expect(await answer.textContent()).toContain('52.19');
    expect(await first.dialog.locator('.tool').first().getAttribute('data-state')).toBe('ok');

    const second = await ask(page, '6*7');
    await second.question.getByRole('button', { name: 'Deny' }).click();
    const denied = second.dialog.locator('.msg.assistant[data-status="complete"]').nth(1);
    await denied.waitFor({ timeout: 15_000 });
    expect(await denied.textContent()).toContain('denied');
    expect(await denied.textContent()).not.toContain('42');
    const row = second.dialog.locator('.tool').nth(1);
    expect(await row.getAttribute('data-state')).toBe('error');
    expect(await row.locator('summary').textContent()).toBe('calculator failed');
    expect(errors).toEqual([]);
    await page.close();
  });
});
