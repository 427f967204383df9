import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OfflineProvider } from '../../../server/src/providers/offline-provider.js';
import { ProviderRegistry } from '../../../server/src/providers/registry.js';
import { isolateNetwork } from '../../../server/test/helpers/provider-fixtures.js';
import { startTestApp } from '../../../server/test/helpers/test-app.js';
import { nockOpenMeteo } from '../../../server/test/helpers/tool-fixtures.js';
import type { DemoServer } from './harness.js';
import {
  hasChromium,
  launchBrowser,
  screenshotPath,
  startDemoServer,
  watchPageErrors,
} from './harness.js';

/**
 * Issue 7 in the browser, with the offline provider and its rule-based
 * extractor: what the visitor says is remembered in the next conversation,
 * a changed fact replaces the old one, and the visitor can see and erase it.
 */
describe.skipIf(!hasChromium && !process.env.CI)('memory in the widget', () => {
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
    await demo.t.infra.queue.drain(); // extraction runs in the background after the turn
  }

  it('remembers a move in a new conversation, updates it, and lets the visitor erase it', async () => {
    const page = await browser.newPage();
    const errors = watchPageErrors(page);
    await page.goto(`${demo.url}/`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const dialog = page.getByRole('dialog', { name: 'Acme Assistant' });

    await say(page, 'I moved to Lisbon');
    // Nothing was known before this first message.
    expect(await dialog.locator('.chip').count()).toBe(0);

    await dialog.getByRole('button', { name: 'New conversation' }).click();
    expect(await dialog.locator('.msg').count()).toBe(0);
    const lisbonWeather = nockOpenMeteo('lisbon');
    await say(page, "What's the weather where I live?");
    // Recalled in the new conversation, and the answer is Lisbon's weather:
    // the offline provider takes "where I live" from the recalled memory.
    const chip = dialog.locator('.chip');
    expect(await chip.textContent()).toBe('Remembered: User lives in Lisbon');
    expect(await dialog.locator('.tool').first().getAttribute('data-state')).not.toBe('error');
    const answer = await dialog.locator('.msg.assistant').last().textContent();
    expect(answer).toContain('Lisbon');
    expect(answer).toMatch(/°C/);
    expect(lisbonWeather.every((scope) => scope.isDone())).toBe(true);
    await page.screenshot({ path: screenshotPath('widget-memory-recalled.png') });

    await say(page, 'I moved to Porto');
    const memoryButton = dialog.getByRole('button', { name: 'What I remember about you' });
    await memoryButton.click();
    const memories = dialog.getByRole('list', { name: 'Memories' });
    await memories.waitFor();
    // Updated, not duplicated: Porto replaced Lisbon.
    expect(await memories.getByRole('listitem').allTextContents()).toEqual([
      'User lives in PortoDelete',
    ]);
    await page.screenshot({ path: screenshotPath('widget-memory-view.png') });

    // Forget everything asks first; Cancel keeps the memory.
    await dialog.getByRole('button', { name: 'Forget everything' }).click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await memories.getByRole('listitem').count()).toBe(1);
    await dialog.getByRole('button', { name: 'Forget everything' }).click();
    await dialog.getByRole('button', { name: 'Yes, forget everything' }).click();
    await dialog.getByText('Nothing yet.').waitFor();

    // Deleting one memory: tell it something new, then delete just that.
    await dialog.getByRole('button', { name: 'Back to chat' }).click();
    await say(page, 'My name is Ana');
    await memoryButton.click();
    await memories.waitFor();
    expect(await memories.getByRole('listitem').allTextContents()).toEqual([
      "User's name is AnaDelete",
    ]);
    await dialog.getByRole('button', { name: "Forget: User's name is Ana" }).click();
    await dialog.getByText('Nothing yet.').waitFor();

    // The server agrees: reopening the view lists nothing (and Porto stayed forgotten).
    await memoryButton.click();
    await memoryButton.click();
    await dialog.getByText('Nothing yet.').waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });
});
