import nock from 'nock';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isolateNetwork,
  OPENAI,
  openaiSse,
  SSE_HEADERS,
  startProviderApp,
} from '../../../server/test/helpers/provider-fixtures.js';
import type { DemoServer } from './harness.js';
import { hasChromium, launchBrowser, screenshotPath, startDemoServer } from './harness.js';

/** A real model (OpenAI, replayed from the recorded fixtures) whose stream breaks off. */
describe.skipIf(!hasChromium && !process.env.CI)('an answer cut off mid-stream', () => {
  let browser: Browser;
  let demo: DemoServer;
  let restoreNetwork: () => void;

  beforeAll(async () => {
    restoreNetwork = isolateNetwork();
    browser = await launchBrowser();
    demo = await startDemoServer(
      await startProviderApp({ env: { PARLEY_BREAKER_FAILURES: '1000' } }),
    );
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.t.close();
    restoreNetwork?.();
  });

  it('keeps the partial answer, says it was interrupted, and Retry asks again', async () => {
    const completions = () => nock(OPENAI).post('/v1/chat/completions');
    completions().reply(
      200,
      openaiSse('openai-truncated.chunks.txt', { done: false }),
      SSE_HEADERS,
    );
    const page = await browser.newPage();
    await page.goto(`${demo.url}/`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const dialog = page.getByRole('dialog', { name: 'Acme Assistant' });
    const input = page.getByRole('textbox', { name: 'Message' });
    await input.fill('Hi there!');
    await input.press('Enter');

    const alert = dialog.getByRole('alert');
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.textContent()).toContain('The assistant is unavailable right now');
    const partial = dialog.locator('.msg.assistant').first();
    expect(await partial.getAttribute('data-status')).toBe('incomplete');
    const partialText = (await partial.textContent())!;
    expect(partialText).toContain('Answer interrupted');
    expect(partialText).toMatch(/^Assistant: Hello/);
    // A real model answered: no offline label.
    expect(await dialog.getByText('Offline mode — no AI model configured').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('widget-interrupted.png') });

    completions().reply(200, openaiSse('openai-text.chunks.txt'), SSE_HEADERS);
    await alert.getByRole('button', { name: 'Retry' }).click();
    const second = dialog.locator('.msg.assistant').nth(1);
    await second.locator('xpath=self::*[@data-status="complete"]').waitFor({ timeout: 15_000 });
    expect(await second.textContent()).toBe('Assistant: Hello! How can I help you today?');
    expect(await dialog.getByRole('alert').count()).toBe(0);
    // Retry asked the same question again, as a new message in the thread.
    expect(await dialog.locator('.msg.user').allTextContents()).toEqual([
      'You: Hi there!',
      'You: Hi there!',
    ]);
    expect(nock.isDone()).toBe(true);
    await page.close();
  });
});
