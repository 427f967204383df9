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

/** A promise the test opens when the page shows what it waits for. */
function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

/**
 * Open-Meteo replayed from the recorded fixtures. Each reply is held until the
 * test has seen the step it belongs to on screen (a state, not a pace), so
 * every step of the tool is rendered however fast or slow the machine is.
 */
function nockOpenMeteoLisbon(held: { geocoding: Promise<void>; forecast: Promise<void> }) {
  const after =
    (until: Promise<void>, body: nock.Body) =>
    (_uri: string, _body: nock.Body, cb: (err: null, res: [number, nock.Body]) => void) =>
      void until.then(() => cb(null, [200, body]));
  return [
    nock('https://geocoding-api.open-meteo.com')
      .get('/v1/search')
      .query({ name: 'Lisbon', count: '1', language: 'en', format: 'json' })
      .reply(after(held.geocoding, toolFixture('open-meteo-geocoding-lisbon.json') as nock.Body)),
    nock('https://api.open-meteo.com')
      .get('/v1/forecast')
      .query(true)
      .reply(after(held.forecast, toolFixture('open-meteo-forecast-lisbon.json') as nock.Body)),
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
    const geocoding = gate();
    const forecast = gate();
    const weather = nockOpenMeteoLisbon({ geocoding: geocoding.opened, forecast: forecast.opened });
    const page = await browser.newPage();
    const errors = watchPageErrors(page);
    await page.goto(`${demo.url}/`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const dialog = page.getByRole('dialog', { name: 'Acme Assistant' });
    await recordToolRows(page);
    const input = page.getByRole('textbox', { name: 'Message' });
    await input.fill("What's the weather in Lisbon?");
    await input.press('Enter');

    // Each reply waits until its step is on screen (the order is asserted below).
    const row = (text: string) => dialog.getByRole('listitem').filter({ hasText: text });
    await row('Looking up Lisbon').waitFor({ timeout: 15_000 });
    geocoding.open();
    await row('Fetching the forecast for Lisbon').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: screenshotPath('widget-tool-progress.png') });
    forecast.open();

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
    const used = row('Used weather');
    await used.getByText('Used weather').click();
    expect(await used.locator('.tnote').textContent()).toMatch(/Lisbon/);
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
