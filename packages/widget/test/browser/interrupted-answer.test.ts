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
    // Memory off: its extraction asks the same (replayed) model in the background, and
    // used to take the reply meant for Retry — the turn then found no model ("unavailable").
    demo = await startDemoServer(
      await startProviderApp({ env: { PARLEY_BREAKER_FAILURES: '1000' } }),
      { memory: { enabled: false } },
    );
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.t.close();
    restoreNetwork?.();
  });

  it('keeps the partial answer, says it was interrupted, and Retry asks again', async () => {
    // Only a streamed answer to this question matches: nothing else can take these replies.
    const completions = () =>
      nock(OPENAI).post(
        '/v1/chat/completions',
        (b: { stream?: boolean; messages?: { content?: unknown }[] }) =>
          b.stream === true && b.messages?.at(-1)?.content === 'Hi there!',
      );
    const cut = completions().reply(
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
    // The turn is over (its stream closed) and the chat says the answer was cut off.
    await page.locator('#parley-panel[data-state="interrupted"]').waitFor({ timeout: 15_000 });
    cut.done();
    expect(await alert.textContent()).toContain('The assistant is unavailable right now');
    const partial = dialog.locator('.msg.assistant').first();
    expect(await partial.getAttribute('data-status')).toBe('incomplete');
    const partialText = (await partial.textContent())!;
    expect(partialText).toContain('Answer interrupted');
    expect(partialText).toMatch(/^Assistant: Hello/);
    // A real model answered: no offline label.
    expect(await dialog.getByText('Offline mode — no AI model configured').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('widget-interrupted.png') });

    const retried = completions().reply(200, openaiSse('openai-text.chunks.txt'), SSE_HEADERS);
    await alert.getByRole('button', { name: 'Retry' }).click();
    await page.locator('#parley-panel[data-state="idle"]').waitFor({ timeout: 15_000 });
    retried.done();
    const second = dialog.locator('.msg.assistant').nth(1);
    expect(await second.getAttribute('data-status')).toBe('complete');
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
