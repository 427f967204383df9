import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OfflineProvider } from '../../../server/src/providers/offline-provider.js';
import { ProviderRegistry } from '../../../server/src/providers/registry.js';
import { isolateNetwork } from '../../../server/test/helpers/provider-fixtures.js';
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
 * The "Remembered" chip shows the earlier messages an answer drew on, not
 * only memories: each short, with who said it and when.
 */
describe.skipIf(!hasChromium && !process.env.CI)('recalled passages in the widget', () => {
  let browser: Browser;
  let demo: DemoServer;
  let restoreNetwork: () => void;

  beforeAll(async () => {
    restoreNetwork = isolateNetwork();
    browser = await launchBrowser();
    // A loaded machine may exceed the production recall budget; this is about what, not how fast.
    const app = await startTestApp({
      providers: new ProviderRegistry().register(new OfflineProvider(0)),
      config: { memoryRecallBudgetMs: 30_000 },
    });
    demo = await startDemoServer(app);
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.t.close();
    restoreNetwork?.();
  });

  async function say(page: Page, text: string): Promise<void> {
    const dialog = page.getByRole('dialog', { name: 'Acme Assistant' });
    const before = await dialog.locator('.msg.assistant[data-status="complete"]').count();
    const input = page.getByRole('textbox', { name: 'Message' });
    await input.fill(text);
    await input.press('Enter');
    await dialog
      .locator('.msg.assistant[data-status="complete"]')
      .nth(before)
      .waitFor({ timeout: 15_000 });
    await demo.t.infra.queue.drain(); // messages are indexed for recall in the background
  }

  it('lists the earlier message an answer recalled, with its role and time', async () => {
    const page = await browser.newPage();
    const errors = watchPageErrors(page);
    await page.goto(`${demo.url}/`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const dialog = page.getByRole('dialog', { name: 'Acme Assistant' });

    const said = 'The bakery on Rua Augusta bakes the best pastel de nata in town';
    await say(page, said);
    expect(await dialog.getByRole('list', { name: /earlier conversations/ }).count()).toBe(0);

    await dialog.getByRole('button', { name: 'New conversation' }).click();
    await say(page, 'Craving a pastel de nata from Rua Augusta');
    const passages = dialog.getByRole('list', { name: 'Remembered from earlier conversations' });
    const item = passages.getByRole('listitem').first();
    await item.waitFor();
    expect(await passages.getByRole('listitem').count()).toBe(1);
    expect(await item.getAttribute('data-role')).toBe('user');
    expect(await item.locator('b').textContent()).toBe('You');
    expect(await item.textContent()).toMatch(new RegExp(`: ${said}$`));
    // The time shown is when the visitor said it (the stored message), not when it was recalled.
    const stored = await demo.t.db.knex('messages').where({ content: said }).first('created_at');
    expect(await item.locator('time').getAttribute('datetime')).toBe(
      new Date(stored.created_at).toISOString(),
    );
    await page.screenshot({ path: screenshotPath('widget-recalled-passages.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
