import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoServer } from './harness.js';
import {
  hasChromium,
  launchBrowser,
  screenshotPath,
  startDemoServer,
  watchPageErrors,
} from './harness.js';

/** A page that tries hard to break anything embedded in it. */
const hostilePage = (publishableKey: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>Hostile host</title>
<style>
* { all: unset !important; }
div { display: none !important; }
button, textarea, section, p, span { display: none; color: red; font-size: 40px; }
html { font-size: 4px; color: #0f0; }
</style></head>
<body>
<div id="host-content">The host page's own content (hidden by its own CSS)</div>
<p class="launcher panel msg user" id="host-p">A host paragraph with the widget's class names</p>
<script src="/widget.js" data-parley-key="${publishableKey}" async></script>
</body></html>`;

describe.skipIf(!hasChromium && !process.env.CI)('host-page isolation', () => {
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

  it('works on a page with hostile global CSS, and its CSS stays inside', async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
    const errors = watchPageErrors(page);
    // Served as if from the Parley origin, which the tenant's pk key allows.
    await page.route(`${demo.url}/hostile.html`, (route) =>
      route.fulfill({ contentType: 'text/html', body: hostilePage(demo.publishableKey) }),
    );
    await page.goto(`${demo.url}/hostile.html`);

    // The hostile rules really apply to the host page...
    expect(await page.locator('#host-content').isVisible()).toBe(false);
    // ...yet the launcher is there, full size, in the corner.
    const launcher = page.getByRole('button', { name: 'Open chat' });
    await launcher.waitFor();
    const box = (await launcher.boundingBox())!;
    expect(box.width).toBe(56);
    expect(box.height).toBe(56);
    expect(box.x + box.width).toBe(1024 - 20);
    expect(box.y + box.height).toBe(768 - 20);

    await launcher.click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    const panel = (await dialog.boundingBox())!;
    expect(panel.width).toBe(380);
    expect(panel.height).toBeGreaterThan(400);
    const font = await page.getByRole('textbox', { name: 'Message' }).evaluate((el) => {
      const s = getComputedStyle(el);
      return { size: s.fontSize, display: s.display, color: s.color };
    });
    expect(font).toEqual({ size: '14px', display: 'block', color: 'rgb(17, 24, 39)' });

    const input = page.getByRole('textbox', { name: 'Message' });
    await input.fill('Still working?');
    await input.press('Enter');
    await dialog.locator('.msg.assistant[data-status="complete"]').waitFor({ timeout: 15_000 });
    expect(await dialog.locator('.msg.assistant').textContent()).toContain('"Still working?"');
    await dialog.getByText('Offline mode — no AI model configured').waitFor();

    // The widget's own class names do nothing to the host's elements.
    const hostP = await page.locator('#host-p').evaluate((el) => {
      const s = getComputedStyle(el);
      return { position: s.position, background: s.backgroundColor };
    });
    expect(hostP).toEqual({ position: 'static', background: 'rgba(0, 0, 0, 0)' });

    await page.screenshot({ path: screenshotPath('widget-hostile-host.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
