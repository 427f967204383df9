import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorMiddleware } from '../src/http/error-middleware.js';
import type { Authenticators } from '../src/http/routing/build-router.js';
import { buildRouter } from '../src/http/routing/build-router.js';
import { requestIdMiddleware } from '../src/http/request-id.js';
import { locateWidgetFile, widgetAssetRoutes } from '../src/routes/widget-asset.js';
import type { TestApp } from './helpers/test-app.js';
import { startTestApp } from './helpers/test-app.js';

/** A bare server with only the widget route, reading whatever `locate` points at. */
async function serveWidget(locate: () => string | null) {
  const log = pino({ level: 'silent' });
  const koa = new Koa();
  koa.use(requestIdMiddleware(log));
  koa.use(errorMiddleware());
  const open = () => async (_ctx: unknown, next: () => Promise<void>) => next();
  koa.use(
    buildRouter(widgetAssetRoutes({ log }, { locate }), {
      public: open,
    } as unknown as Authenticators),
  );
  const server = http.createServer(koa.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('GET /widget.js', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'parley-widget-'));
    file = path.join(dir, 'widget.js');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the script with caching, CORS and ETag revalidation', async () => {
    writeFileSync(file, 'console.log("widget v1");'.repeat(50));
    const s = await serveWidget(() => file);
    try {
      const res = await fetch(`${s.url}/widget.js`, { headers: { 'accept-encoding': 'identity' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('public, max-age=300');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('content-encoding')).toBeNull();
      expect(await res.text()).toBe(readFileSync(file, 'utf8'));
      const etag = res.headers.get('etag')!;
      expect(etag).toMatch(/^"[\w-]+"$/);

      const again = await fetch(`${s.url}/widget.js`, {
        headers: { 'accept-encoding': 'identity', 'if-none-match': etag },
      });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');

      // A rebuilt widget gets a new ETag, so browsers pick it up after max-age.
      writeFileSync(file, 'console.log("widget v2");');
      const rebuilt = await fetch(`${s.url}/widget.js`, {
        headers: { 'accept-encoding': 'identity', 'if-none-match': etag },
      });
      expect(rebuilt.status).toBe(200);
      expect(await rebuilt.text()).toBe('console.log("widget v2");');
      expect(rebuilt.headers.get('etag')).not.toBe(etag);
    } finally {
      await s.close();
    }
  });

  it('sends it gzipped to browsers that accept gzip', async () => {
    writeFileSync(file, 'window.x = "compress me";\n'.repeat(200));
    const s = await serveWidget(() => file);
    try {
      const raw = await new Promise<http.IncomingMessage>((resolve) =>
        http.get(`${s.url}/widget.js`, { headers: { 'accept-encoding': 'gzip' } }, resolve),
      );
      const chunks: Buffer[] = [];
      for await (const c of raw) chunks.push(c as Buffer);
      expect(raw.headers['content-encoding']).toBe('gzip');
      expect(raw.headers.vary).toContain('accept-encoding');
      expect(Buffer.concat(chunks).length).toBeLessThan(readFileSync(file).length / 5);
      // fetch decompresses: same script as the plain variant.
      const res = await fetch(`${s.url}/widget.js`);
      expect(await res.text()).toBe(readFileSync(file, 'utf8'));
    } finally {
      await s.close();
    }
  });

  it('answers 503 with a build hint when the widget has not been built', async () => {
    const s = await serveWidget(() => null);
    try {
      const res = await fetch(`${s.url}/widget.js`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('service_unavailable');
      expect(body.error.message).toContain('npm run build');
      expect(res.headers.get('cache-control')).toBe('no-store');
    } finally {
      await s.close();
    }
  });
});

describe('the real server', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('finds and serves the built widget bundle', async () => {
    const built = locateWidgetFile();
    if (!built || !existsSync(built)) {
      throw new Error('packages/widget/dist/widget.js is missing: run `npm run build` first');
    }
    const res = await t.request('GET', '/widget.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/javascript');
    expect(res.text).toBe(readFileSync(built, 'utf8'));
    expect(res.text).toContain('parley-widget');
  });

  it('serves the demo store with the one script tag and a strict CSP', async () => {
    const tenant = await t.createTenant();
    t.app.services.demo = { tenantId: tenant.id, publishableKey: tenant.publishableKey };
    try {
      const res = await t.request('GET', '/');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.text).toContain('Acme Store');
      expect(res.text).toContain(
        `<script src="/widget.js" data-parley-key="${tenant.publishableKey}"`,
      );
      expect(res.text).not.toMatch(/<script>|<script [^>]*>[^<]/); // no inline script
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
    } finally {
      delete t.app.services.demo;
    }
    const plain = await t.request('GET', '/');
    expect(plain.body).toMatchObject({ name: 'parley', status: 'ok' });
  });
});
