import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoServer } from './harness.js';
import { hasChromium, launchBrowser, startDemoServer, watchPageErrors } from './harness.js';

/** The server's real per-user rate limit, set low for this tenant. */
describe.skipIf(!hasChromium && !process.env.CI)('a visitor sending too fast', () => {
  let browser: Browser;
  let demo: DemoServer;

  beforeAll(async () => {
    browser = await launchBrowser();
    demo = await startDemoServer(undefined, {
      memory: { enabled: false },
      rateLimits: { userPerMinute: 3 },
    });
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.t.close();
  });

  it('says how long to wait and enables Retry only after that', async () => {
    const page = await browser.newPage();
    const errors = watchPageErrors(page);
    // The page's clock runs normally; the test jumps it ahead instead of waiting a minute.
    await page.clock.install();
    await page.goto(`${demo.url}/`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const dialog = page.getByRole('dialog', { name: 'Acme Assistant' });
    const input = page.getByRole('textbox', { name: 'Message' });
    const alert = dialog.getByRole('alert');

    for (let i = 1; i <= 5 && (await alert.count()) === 0; i++) {
      const done = await dialog.locator('.msg.assistant[data-status="complete"]').count();
      await input.fill(`message ${i}`);
      await input.press('Enter');
      await dialog
        .locator('.msg.assistant[data-status="complete"]')
        .nth(done)
        .or(alert)
        .first()
        .waitFor({ timeout: 15_000 });
    }
    const message = (await alert.locator('span').textContent())!;
    const wait = Number(
      /^You're sending messages too fast — try again in (\d+) s\.$/.exec(message)?.[1],
    );
    expect(wait, message).toBeGreaterThan(0);
    const retry = alert.getByRole('button', { name: /^Retry/ });
    expect(await retry.isDisabled()).toBe(true);
    // The refused message went back into the composer, not lost.
    expect(await input.inputValue()).toMatch(/^message \d$/);

    await page.clock.fastForward(wait * 1000 - 1500);
    expect(await retry.isDisabled()).toBe(true);
    await page.clock.fastForward(2000);
    await expect.poll(() => retry.isDisabled()).toBe(false);
    expect(await retry.textContent()).toBe('Retry');
    // The one refused request is the only error the page saw.
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^HTTP 429 POST \/v1\/conversations/);
    await page.close();
  });
});
