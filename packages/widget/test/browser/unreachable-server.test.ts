import net from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoServer } from './harness.js';
import { hasChromium, launchBrowser, screenshotPath, startDemoServer } from './harness.js';

describe.skipIf(!hasChromium && !process.env.CI)('when the server cannot be reached', () => {
  let browser: Browser;
  let demo: DemoServer;

  beforeAll(async () => {
    browser = await launchBrowser();
    demo = await startDemoServer();
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.t.close();
  });

  it('shows an error with Retry, keeps the typed text, and Retry sends it', async () => {
    const page = await browser.newPage();
    await page.goto(`${demo.url}/`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const dialog = page.getByRole('dialog', { name: 'Acme Assistant' });
    await dialog.waitFor();

    // The network drops every API call, as when the server is down.
    await page.route(`${demo.url}/v1/**`, (route) => route.abort('connectionrefused'));
    const input = page.getByRole('textbox', { name: 'Message' });
    await input.fill('Is my parcel lost?');
    await input.press('Enter');

    const alert = dialog.getByRole('alert');
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.textContent()).toContain("Can't reach the assistant");
    expect(await input.inputValue()).toBe('Is my parcel lost?');
    expect(await dialog.locator('.msg').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('widget-unreachable.png') });

    // Back online: Retry sends the kept text.
    await page.unroute(`${demo.url}/v1/**`);
    await alert.getByRole('button', { name: 'Retry' }).click();
    await dialog.locator('.msg.assistant[data-status="complete"]').waitFor({ timeout: 15_000 });
    expect(await dialog.locator('.msg.user').allTextContents()).toEqual([
      'You: Is my parcel lost?',
    ]);
    expect(await dialog.locator('.msg.assistant').textContent()).toContain('"Is my parcel lost?"');
    expect(await dialog.getByRole('alert').count()).toBe(0);
    expect(await input.inputValue()).toBe('');
    await page.close();
  });

  it('shows the error when the widget points at a server that is not running', async () => {
    const page = await browser.newPage();
    // A port nobody listens on any more: the connection is refused for real.
    const port = await closedPort();
    const html = `<!doctype html><title>x</title><script src="/widget.js" data-parley-key="${demo.publishableKey}" data-parley-base-url="http://127.0.0.1:${port}" async></script>`;
    await page.route(`${demo.url}/dead.html`, (route) =>
      route.fulfill({ contentType: 'text/html', body: html }),
    );
    await page.goto(`${demo.url}/dead.html`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const input = page.getByRole('textbox', { name: 'Message' });
    await input.fill('Hello?');
    await input.press('Enter');
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.textContent()).toContain("Can't reach the assistant");
    await alert.getByRole('button', { name: 'Retry' }).waitFor();
    expect(await input.inputValue()).toBe('Hello?');
    await page.close();
  });
});

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
