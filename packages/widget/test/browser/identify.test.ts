import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoServer } from './harness.js';
import { hasChromium, launchBrowser, startDemoServer, watchPageErrors } from './harness.js';

/** `Parley.identify(token)` against the server's real identity-token check. */
describe.skipIf(!hasChromium && !process.env.CI)('identify() in the widget', () => {
  let browser: Browser;
  let demo: DemoServer;
  let sign: (sub: string, extra?: Record<string, unknown>) => string;

  beforeAll(async () => {
    browser = await launchBrowser();
    demo = await startDemoServer(undefined, { memory: { enabled: false } });
    const tenantId = demo.t.app.services.demo!.tenantId;
    const created = await demo.t.admin('POST', `/v1/admin/tenants/${tenantId}/identity-secret`, {});
    if (created.status !== 201) throw new Error(`identity secret: ${created.text}`);
    const { id: kid, secret } = created.body as { id: string; secret: string };
    // What the site's backend does: sign who the visitor is, for a few minutes.
    sign = (sub, extra = {}) =>
      jwt.sign(
        { sub, exp: Math.floor(Date.now() / 1000) + 300, jti: randomUUID(), ...extra },
        secret,
        {
          algorithm: 'HS256',
          keyid: kid,
        },
      );
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.t.close();
  });

  const userMessages = (page: Page) =>
    page.getByRole('dialog', { name: 'Acme Assistant' }).locator('.msg.user').allTextContents();

  async function say(page: Page, text: string): Promise<void> {
    const dialog = page.getByRole('dialog', { name: 'Acme Assistant' });
    const done = await dialog.locator('.msg.assistant[data-status="complete"]').count();
    await page.getByRole('textbox', { name: 'Message' }).fill(text);
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');
    await dialog.locator('.msg.assistant[data-status="complete"]').nth(done).waitFor();
  }

  it('keeps the visitor’s thread on sign-in, keeps it for a fresh token, starts afresh for someone else', async () => {
    const page = await browser.newPage();
    const errors = watchPageErrors(page);
    await page.goto(`${demo.url}/`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await say(page, 'Hello as a visitor');

    // Signing in merges the anonymous visitor into the user: the thread survives a reload.
    await page.evaluate((token) => window.Parley!.identify(token), sign('ana'));
    await page.reload();
    await page
      .getByRole('dialog', { name: 'Acme Assistant' })
      .locator('.msg.user')
      .first()
      .waitFor();
    expect(await userMessages(page)).toEqual(['You: Hello as a visitor']);

    // Every page load of a signed-in site brings a fresh token for the same person.
    await page.evaluate((token) => window.Parley!.identify(token), sign('ana', { name: 'Ana' }));
    await say(page, 'Still me');
    expect(await userMessages(page)).toEqual(['You: Hello as a visitor', 'You: Still me']);

    // A refused token rejects and changes nothing.
    const refused = await page.evaluate(
      (token) =>
        window.Parley!.identify(token).then(
          () => 'accepted',
          (e: { code?: string }) => e.code ?? 'error',
        ),
      sign('ana').slice(0, -4) + 'AAAA',
    );
    expect(refused).toBe('unauthorized');
    expect(await userMessages(page)).toHaveLength(2);

    // Someone else signs in on this browser: none of Ana's chat is shown or reachable.
    await page.evaluate((token) => window.Parley!.identify(token), sign('bob'));
    const dialog = page.getByRole('dialog', { name: 'Acme Assistant' });
    await dialog.getByText('Hi! I can help with orders, shipping and our products.').waitFor();
    expect(await dialog.locator('.msg').count()).toBe(0);
    await page.reload();
    await dialog.getByText('Hi! I can help with orders, shipping and our products.').waitFor();
    expect(await dialog.locator('.msg').count()).toBe(0);

    // The refused token is the one expected 401.
    expect(errors).toEqual(['HTTP 401 POST /v1/sessions/identify']);
    await page.close();
  });
});
