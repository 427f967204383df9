import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GatedProvider } from '../../packages/server/test/ai-sdk/gated-provider.js';
import { OfflineProvider } from '../../packages/server/src/providers/offline-provider.js';
import { ProviderRegistry } from '../../packages/server/src/providers/registry.js';
import type { TestApp } from '../../packages/server/test/helpers/test-app.js';
import { startTestApp } from '../../packages/server/test/helpers/test-app.js';
import {
  hasChromium,
  launchBrowser,
  watchPageErrors,
} from '../../packages/widget/test/browser/harness.js';
import { buildExample } from './build.mjs';

/**
 * The example as an AI SDK developer runs it: a React page using `useChat`,
 * built locally, served from its own origin, talking to a Parley server on
 * another origin with a real pk_ key.
 */
describe.skipIf(!hasChromium && !process.env.CI)('examples/ai-sdk-react', () => {
  let browser: Browser;
  let t: TestApp;
  let tenantId: string;
  let site: http.Server;
  let siteUrl: string;
  const gated = new GatedProvider();

  beforeAll(async () => {
    const [bundle] = await Promise.all([
      buildExample(),
      (async () => (browser = await launchBrowser()))(),
    ]);
    t = await startTestApp({
      providers: new ProviderRegistry().register(new OfflineProvider(0)).register(gated),
      // A reloading page gets its answer back: the server keeps it going meanwhile.
      config: { resumeGraceMs: 60_000 },
    });
    site = http.createServer();
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    const tenant = await t.admin('POST', '/v1/admin/tenants', {
      name: 'AI SDK shop',
      settings: { memory: { enabled: false } },
    });
    tenantId = tenant.body.id;
    await t.admin('PUT', `/v1/admin/tenants/${tenantId}/tools/calculator`, {
      needsApproval: true,
      timeoutMs: 60_000,
    });
    const key = await t.admin('POST', `/v1/admin/tenants/${tenantId}/keys`, {
      type: 'publishable',
      allowedOrigins: [siteUrl],
    });
    const page = readFileSync(new URL('./index.html', import.meta.url), 'utf8')
      .replace('http://localhost:3000', t.url)
      .replace('pk_REPLACE_WITH_YOUR_PUBLISHABLE_KEY', key.body.key);
    const app = readFileSync(bundle);
    site.on('request', (req, res) => {
      if (req.url === '/dist/app.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(app);
      } else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    });
  });
  afterAll(async () => {
    await browser?.close();
    site?.closeAllConnections();
    await new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve()));
    await t?.close();
  });

  const useModel = (model: string) =>
    t.admin('PATCH', `/v1/admin/tenants/${tenantId}`, { settings: { models: [model] } });

  async function send(page: Page, text: string): Promise<void> {
    const input = page.getByRole('textbox', { name: 'Message' });
    await input.fill(text);
    await input.press('Enter');
  }

  it('has the placeholders a developer replaces', () => {
    const html = readFileSync(new URL('./index.html', import.meta.url), 'utf8');
    expect(html).toContain("url: 'http://localhost:3000'");
    expect(html).toContain('pk_REPLACE_WITH_YOUR_PUBLISHABLE_KEY');
  });

  it('streams an answer into useChat from another origin', async () => {
    await useModel('offline:offline');
    const page = await (await browser.newContext()).newPage();
    const errors = watchPageErrors(page);
    await page.goto(`${siteUrl}/`);
    await send(page, 'Hello from React');
    const answer = page.locator('.msg.assistant').filter({ hasText: '"Hello from React"' });
    await answer.waitFor({ timeout: 15_000 });
    await page.locator('main[data-status="ready"]').waitFor();
    expect(await page.locator('.msg.user').textContent()).toBe('Hello from React');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('asks before running a tool, and answers after Approve', async () => {
    await useModel('offline:offline');
    const page = await (await browser.newContext()).newPage();
    const errors = watchPageErrors(page);
    await page.goto(`${siteUrl}/`);
    await send(page, '6*7');
    const tool = page.locator('.tool');
    await page.locator('.tool[data-state="approval-requested"]').waitFor({ timeout: 15_000 });
    expect(await tool.textContent()).toContain('calculator({"expression":"6*7"})');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.locator('.tool[data-state="output-available"]').waitFor({ timeout: 30_000 });
    await page.locator('main[data-status="ready"]').waitFor();
    expect(await page.locator('.msg.assistant').textContent()).toContain('42');
    expect(await page.locator('.tool').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('a reload mid-answer shows the history and resumes the running answer', async () => {
    await useModel('gated:test');
    gated.reset();
    const page = await (await browser.newContext()).newPage();
    const errors = watchPageErrors(page);
    await page.goto(`${siteUrl}/`);
    await send(page, 'Keep going');
    await page.locator('.msg.assistant').filter({ hasText: 'Hello' }).waitFor({ timeout: 15_000 });
    await page.reload();
    // The stored user message, then the running answer from its start (resumeStream).
    await page.locator('.msg.user').filter({ hasText: 'Keep going' }).waitFor();
    await page.locator('.msg.assistant').filter({ hasText: 'Hello' }).waitFor({ timeout: 15_000 });
    await page.locator('main[data-status="streaming"]').waitFor();
    gated.release();
    await page.locator('.msg.assistant').filter({ hasText: 'Hello world' }).waitFor();
    await page.locator('main[data-status="ready"]').waitFor();
    expect(await page.locator('.msg').allTextContents()).toEqual(['Keep going', 'Hello world']);
    // The first page's request was cut by the reload; nothing else failed.
    expect(errors.filter((e) => !/\/v1\/ai-sdk\/chat net::ERR_ABORTED/.test(e))).toEqual([]);
    await page.context().close();
  });

  it('Stop cancels the answer on the server, which keeps it as incomplete', async () => {
    await useModel('gated:test');
    gated.reset();
    const page = await (await browser.newContext()).newPage();
    const errors = watchPageErrors(page);
    await page.goto(`${siteUrl}/`);
    await send(page, 'Tell me a long story');
    await page.locator('.msg.assistant').filter({ hasText: 'Hello' }).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.locator('main[data-status="ready"]').waitFor();
    await vi.waitFor(() => expect(t.app.services.turns.size).toBe(0), { timeout: 15_000 });
    const [last] = await t.db
      .knex('messages')
      .where({ tenant_id: tenantId, role: 'assistant' })
      .orderBy('created_at', 'desc')
      .limit(1);
    expect(last).toMatchObject({ status: 'incomplete', content: 'Hello ' });
    // Stopping aborts the request on purpose; nothing else may fail.
    expect(errors.filter((e) => !/\/v1\/ai-sdk\/chat net::ERR_ABORTED/.test(e))).toEqual([]);
    gated.release();
    await page.context().close();
  });
});
