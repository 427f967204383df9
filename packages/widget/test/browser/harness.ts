import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { OfflineProvider } from '../../../server/src/providers/offline-provider.js';
import { ProviderRegistry } from '../../../server/src/providers/registry.js';
import type { TestApp } from '../../../server/test/helpers/test-app.js';
import { startTestApp } from '../../../server/test/helpers/test-app.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const widgetDir = path.resolve(here, '../..');
export const repoRoot = path.resolve(widgetDir, '../..');
export const resultsDir = path.join(repoRoot, 'test-results');

const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
const missingChromium =
  `${CHROMIUM} is missing: run \`bash scripts/setup-services.sh --with-browser\` ` +
  '(Debian chromium; never a downloaded browser).';
if (!hasChromium && !process.env.CI) {
  console.warn(`[widget browser tests] skipped: ${missingChromium}`);
}

/** Launches Debian chromium; in CI a missing browser is a failure, never a skip. */
export async function launchBrowser(): Promise<Browser> {
  if (!hasChromium) throw new Error(missingChromium);
  assertWidgetBuilt();
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The tests drive dist/widget.js, so it must be newer than every source it bundles. */
function assertWidgetBuilt(): void {
  const bundle = path.join(widgetDir, 'dist/widget.js');
  const hint = 'run `npm run build -w @parley/widget` (or `npm run build`)';
  if (!existsSync(bundle)) throw new Error(`packages/widget/dist/widget.js is missing: ${hint}`);
  const built = statSync(bundle).mtimeMs;
  for (const dir of [path.join(widgetDir, 'src'), path.join(repoRoot, 'packages/sdk/src')]) {
    for (const f of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      const file = path.join(f.parentPath, f.name);
      const bundled = f.isFile() && !f.name.includes('.test.') && !/[\\/]testing\b/.test(file);
      if (bundled && statSync(file).mtimeMs > built) {
        throw new Error(`dist/widget.js is older than ${path.relative(repoRoot, file)}: ${hint}`);
      }
    }
  }
}

export interface DemoServer {
  t: TestApp;
  url: string;
  publishableKey: string;
}

/**
 * The server in-process (or `app`), with the demo page at `/` wired to a
 * fresh tenant whose publishable key allows this server's origin. By default
 * the offline provider pauses between words so the answer visibly streams.
 */
export async function startDemoServer(
  app?: TestApp,
  settings: Record<string, unknown> = {},
): Promise<DemoServer> {
  const t =
    app ??
    (await startTestApp({ providers: new ProviderRegistry().register(new OfflineProvider(15)) }));
  const tenant = await t.admin('POST', '/v1/admin/tenants', { name: 'Acme', settings });
  const key = await t.admin('POST', `/v1/admin/tenants/${tenant.body.id}/keys`, {
    type: 'publishable',
    allowedOrigins: [t.url],
  });
  if (key.status !== 201) throw new Error(`creating the pk key failed: ${key.text}`);
  t.app.services.demo = { tenantId: tenant.body.id, publishableKey: key.body.key };
  return { t, url: t.url, publishableKey: key.body.key };
}

/** Collects script errors, CSP violations and failed requests (a test expects none). */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // Failed loads are reported below with their URL.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
      errors.push(`console: ${m.text()}`);
    }
  });
  page.on('response', (r) => {
    const url = new URL(r.url());
    if (r.status() >= 400 && url.pathname !== '/favicon.ico') {
      errors.push(`HTTP ${r.status()} ${r.request().method()} ${url.pathname}`);
    }
  });
  page.on('requestfailed', (r) => {
    // The SDK stops reading an SSE answer at its terminal event; Chrome calls that aborted.
    const streamDone = r.failure()?.errorText === 'net::ERR_ABORTED' && /\/messages$/.test(r.url());
    if (!streamDone) errors.push(`failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  return errors;
}

export function screenshotPath(name: string): string {
  mkdirSync(resultsDir, { recursive: true });
  return path.join(resultsDir, name);
}

/** Where focus is inside the widget's shadow root (locators cannot ask that). */
export function widgetFocus(page: Page): Promise<{ label: string | null; inPanel: boolean }> {
  return page.evaluate(() => {
    const el = document.querySelector('parley-widget')?.shadowRoot?.activeElement;
    return {
      label: el ? (el.getAttribute('aria-label') ?? el.id) : null,
      inPanel: !!el?.closest('[role="dialog"]'),
    };
  });
}

/**
 * Records, from inside the page, every distinct text of the widget's tool
 * rows ("Using weather…10%…", "Used weather"), so each step is observed
 * without timing assumptions. Read it back with `toolRowStates`.
 */
export async function recordToolRows(page: Page): Promise<void> {
  await page.evaluate(() => {
    const root = document.querySelector('parley-widget')!.shadowRoot!;
    const w = window as unknown as { __toolRows: string[] };
    w.__toolRows = [];
    new MutationObserver(() => {
      for (const row of root.querySelectorAll('.tool')) {
        const seen = `${row.getAttribute('data-state')}: ${row.textContent}`;
        if (!w.__toolRows.includes(seen)) w.__toolRows.push(seen);
      }
    }).observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

export const toolRowStates = (page: Page): Promise<string[]> =>
  page.evaluate(() => (window as unknown as { __toolRows: string[] }).__toolRows);
