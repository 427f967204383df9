import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoServer } from './harness.js';
import {
  hasChromium,
  launchBrowser,
  screenshotPath,
  startDemoServer,
  watchPageErrors,
  widgetFocus,
} from './harness.js';

const OFFLINE_LABEL = 'Offline mode — no AI model configured';

/**
 * Records every text the newest assistant bubble shows, from inside the
 * page, so "streams in pieces" is observed without any timing assumption.
 */
async function recordAnswer(page: Page): Promise<void> {
  await page.evaluate(() => {
    const root = document.querySelector('parley-widget')!.shadowRoot!;
    const w = window as unknown as { __states: string[]; __typing: boolean; __busy: boolean };
    w.__states = [];
    w.__typing = false;
    w.__busy = false;
    const before = root.querySelectorAll('.msg.assistant').length;
    new MutationObserver(() => {
      if (root.querySelector('.typing')) w.__typing = true;
      const answers = root.querySelectorAll('.msg.assistant');
      const answer = answers.length > before ? answers[answers.length - 1] : null;
      if (!answer) return;
      if (answer.getAttribute('aria-busy') === 'true') w.__busy = true;
      const text = answer.textContent ?? '';
      if (text !== w.__states[w.__states.length - 1]) w.__states.push(text);
    }).observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

const answerStates = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { __states: string[]; __typing: boolean; __busy: boolean };
    return { states: w.__states, typing: w.__typing, busy: w.__busy };
  });

describe.skipIf(!hasChromium && !process.env.CI)('the demo page in a real browser', () => {
  let browser: Browser;
  let demo: DemoServer;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    browser = await launchBrowser();
    demo = await startDemoServer();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    errors = watchPageErrors(page);
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.t.close();
  });

  it('opens the widget, streams an answer word by word and labels offline mode', async () => {
    await page.goto(`${demo.url}/`);
    await page.getByRole('heading', { name: 'Gear for every trail' }).waitFor();
    const launcher = page.getByRole('button', { name: 'Open chat' });
    await launcher.click();
    const dialog = page.getByRole('dialog', { name: 'Acme Assistant' });
    await dialog.waitFor();
    expect((await widgetFocus(page)).label).toBe('parley-input'); // focus moved into the panel

    await recordAnswer(page);
    const input = page.getByRole('textbox', { name: 'Message' });
    await input.pressSequentially('Where is my order?');
    await input.press('Enter');

    const answer = dialog.locator('.msg.assistant').last();
    await answer.locator('xpath=self::*[@data-status="complete"]').waitFor({ timeout: 15_000 });
    const finalText = (await answer.textContent())!;
    expect(finalText).toContain('[Offline mode');
    expect(finalText).toContain('"Where is my order?"');

    // The answer grew in several visible steps, each extending the last.
    const { states, typing, busy } = await answerStates(page);
    const growing = states.filter((s) => s.length > 'Assistant: '.length);
    expect(growing.length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < growing.length; i++) {
      expect(growing[i]!.startsWith(growing[i - 1]!)).toBe(true);
    }
    expect(growing[growing.length - 1]).toBe(finalText);
    expect(typing).toBe(true); // the typing indicator showed before the first word
    expect(busy).toBe(true); // aria-busy while streaming: screen readers wait for the whole answer

    await dialog.getByText(OFFLINE_LABEL).waitFor();
    expect(await input.inputValue()).toBe('');
    expect(await dialog.locator('.msg.user').allTextContents()).toEqual([
      'You: Where is my order?',
    ]);
    await page.screenshot({ path: screenshotPath('widget-demo.png') });
    expect(errors).toEqual([]);
  });

  it('keeps the thread across a reload', async () => {
    await page.reload();
    const dialog = page.getByRole('dialog', { name: 'Acme Assistant' });
    await dialog.waitFor(); // it was open, so it opens again
    await dialog.locator('.msg.assistant').first().waitFor();
    expect(await dialog.locator('.msg.user').allTextContents()).toEqual([
      'You: Where is my order?',
    ]);
    expect(await dialog.locator('.msg.assistant').first().textContent()).toContain(
      '"Where is my order?"',
    );
    await dialog.getByText(OFFLINE_LABEL).waitFor();

    // The next message continues the same conversation.
    const input = page.getByRole('textbox', { name: 'Message' });
    await input.fill('And the return policy?');
    await input.press('Enter');
    await dialog.locator('.msg.assistant[data-status="complete"]').nth(1).waitFor();
    await page.reload();
    await page.getByRole('dialog').locator('.msg.assistant').nth(1).waitFor();
    expect(await page.getByRole('dialog').locator('.msg.user').allTextContents()).toEqual([
      'You: Where is my order?',
      'You: And the return policy?',
    ]);
    expect(errors).toEqual([]);
  });

  it('is usable from the keyboard alone', async () => {
    const dialog = page.getByRole('dialog', { name: 'Acme Assistant' });
    const input = page.getByRole('textbox', { name: 'Message' });
    await input.focus();

    // Shift+Enter is a new line, not a send.
    await input.pressSequentially('line one');
    await input.press('Shift+Enter');
    await input.pressSequentially('line two');
    expect(await input.inputValue()).toBe('line one\nline two');
    expect(await dialog.locator('.msg.user').count()).toBe(2);

    // Tab cycles inside the open panel (focus trap), both ways.
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      const focus = await widgetFocus(page);
      expect(focus.inPanel).toBe(true);
      seen.add(focus.label!);
    }
    expect(seen).toEqual(
      new Set([
        'New conversation',
        'What I remember about you',
        'Close chat',
        'Conversation',
        'parley-input',
        'Send message',
      ]),
    );
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Shift+Tab');
      expect((await widgetFocus(page)).inPanel).toBe(true);
    }

    // Esc closes and hands focus back to the launcher; Enter on it reopens.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect((await widgetFocus(page)).label).toBe('Open chat');
    expect(
      await page.getByRole('button', { name: 'Open chat' }).getAttribute('aria-expanded'),
    ).toBe('false');
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    expect((await widgetFocus(page)).label).toBe('parley-input');
    expect(await input.inputValue()).toBe('line one\nline two'); // the draft survived closing
  });
});
