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
import { toolFixture } from '../../../server/test/helpers/tool-fixtures.js';
import type { DemoServer } from './harness.js';
import {
  hasChromium,
  launchBrowser,
  recordToolRows,
  screenshotPath,
  startDemoServer,
  toolRowStates,
  watchPageErrors,
} from './harness.js';

/**
 * Open-Meteo replayed from the recorded fixtures. Each reply waits a little
 * so the widget renders every step of the tool (a pace, not an assertion).
 */
function nockOpenMeteoLisbon(): nock.Scope[] {
  return [
    nock('https://geocoding-api.open-meteo.com')
      .get('/v1/search')
      .query({ name: 'Lisbon', count: '1', language: 'en', format: 'json' })
      .delay(300)
      .reply(200, toolFixture('open-meteo-geocoding-lisbon.json') as nock.Body),
    nock('https://api.open-meteo.com')
      .get('/v1/forecast')
      .query(true)
      .delay(300)
      .reply(200, toolFixture('open-meteo-forecast-lisbon.json') as nock.Body),
  ];
}

/** Issue 6: a recorded conversation answers a weather question through the weather tool. */
describe.skipIf(!hasChromium && !process.env.CI)('tool activity in the widget', () => {
  let browser: Browser;
  let demo: DemoServer;
  let restoreNetwork: () => void;

  beforeAll(async () => {
    restoreNetwork = isolateNetwork();
    browser = await launchBrowser();
    // Memory off: extraction would ask the (replayed) model in the background.
    demo = await startDemoServer(await startProviderApp(), {
      models: ['openai:gpt-4o-mini'],
      memory: { enabled: false },
    });
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.t.close();
    restoreNetwork?.();
  });

  it('shows the weather tool starting, progressing and completing, then the answer', async () => {
    const openai = nock(OPENAI)
      .post('/v1/chat/completions')
      .reply(200, openaiSse('openai-tool-call.chunks.txt'), SSE_HEADERS)
      .post('/v1/chat/completions')
      .reply(200, openaiSse('openai-after-tool.chunks.txt'), SSE_HEADERS);
    const weather = nockOpenMeteoLisbon();
    const page = await browser.newPage();
    const errors = watchPageErrors(page);
    await page.goto(`${demo.url}/`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const dialog = page.getByRole('dialog', { name: 'Acme Assistant' });
    await recordToolRows(page);
    const input = page.getByRole('textbox', { name: 'Message' });
    await input.fill("What's the weather in Lisbon?");
    await input.press('Enter');

    // Evidence only (the order is asserted below): the row while the forecast is fetched.
    await dialog.locator('progress').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: screenshotPath('widget-tool-progress.png') });

    const answer = dialog.locator('.msg.assistant[data-status="complete"]');
    await answer.waitFor({ timeout: 15_000 });
    expect(await answer.textContent()).toBe(
      'Assistant: It is 18°C and sunny in Lisbon right now, with a light breeze from the northwest.',
    );

    // Every step was on screen, in order: started, progress with its note, done.
    const states = await toolRowStates(page);
    const first = (re: RegExp) => states.findIndex((s) => re.test(s));
    const started = first(/^running: Using weather…$/);
    const lookingUp = first(/^running: Using weather…10%Looking up Lisbon$/);
    const fetching = first(
      /^running: Using weather…50%Fetching the forecast for Lisbon, Portugal$/,
    );
    const done = first(/^ok: Used weatherLisbon, Portugal: 18.4 °C, clear sky/);
    const seen = states.join('\n');
    expect(started, seen).toBeGreaterThanOrEqual(0);
    expect(lookingUp, seen).toBeGreaterThan(started);
    expect(fetching, seen).toBeGreaterThan(lookingUp);
    expect(done, seen).toBeGreaterThan(fetching);

    // The finished row keeps the result behind a disclosure.
    const row = dialog.getByRole('listitem').filter({ hasText: 'Used weather' });
    await row.getByText('Used weather').click();
    expect(await row.locator('.tnote').textContent()).toMatch(/Lisbon/);
    // Progress bar is gone once the tool is done; the model's answer is not labelled offline.
    expect(await dialog.locator('progress').count()).toBe(0);
    expect(await dialog.getByText('Offline mode — no AI model configured').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('widget-tool-activity.png') });

    expect(openai.isDone()).toBe(true);
    expect(weather.every((s) => s.isDone())).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
