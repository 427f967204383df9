import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/create-app.js';
import type { ParleyApp } from '../src/create-app.js';
import { loadConfig } from '../src/config/env.js';
import { securityHeaders } from '../src/http/security-headers.js';
import { createLogger } from '../src/logger.js';
import { OfflineProvider } from '../src/providers/offline-provider.js';
import { ProviderRegistry } from '../src/providers/registry.js';
import type { TestApp, TestTenant } from './helpers/test-app.js';
import { ADMIN_TOKEN, JWT_SECRET, startTestApp } from './helpers/test-app.js';
import { openTestInfra } from './helpers/test-infra.js';

let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.createTenant();
});
afterAll(() => t.close());

describe('CORS per tenant', () => {
  it('answers preflights with the methods and headers the SDK needs', async () => {
    const res = await fetch(`${t.url}/v1/conversations`, {
      method: 'OPTIONS',
      headers: {
        origin: tenant.origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, x-evil',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(tenant.origin);
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it("lets a tenant's own origins use access tokens, refuses others before anything is stored", async () => {
    const s = await t.request('POST', '/v1/sessions', {
      token: tenant.publishableKey,
      headers: { origin: tenant.origin },
    });
    expect(s.headers.get('access-control-allow-origin')).toBe(tenant.origin);
    const token = s.body.accessToken;
    const ok = await t.request('POST', '/v1/conversations', {
      token,
      body: { title: 'from the shop' },
      headers: { origin: tenant.origin },
    });
    expect(ok.status).toBe(201);
    expect(ok.headers.get('access-control-allow-origin')).toBe(tenant.origin);
    expect(ok.headers.get('access-control-expose-headers')).toContain('Retry-After');

    const evil = await t.request('POST', '/v1/conversations', {
      token,
      body: { title: 'from elsewhere' },
      headers: { origin: 'https://evil.example' },
    });
    expect(evil.status).toBe(403);
    expect(await t.db.knex('conversations').where({ title: 'from elsewhere' })).toEqual([]);
    // Server-side callers (no Origin) and the server's own pages are not browsers of another site.
    expect((await t.request('GET', '/v1/conversations', { token })).status).toBe(200);
  });

  it('takes effect for a newly added publishable key at once', async () => {
    const s = await tenant.session();
    const origin = 'https://new-shop.example.com';
    const before = await t.request('GET', '/v1/conversations', {
      token: s.accessToken,
      headers: { origin },
    });
    expect(before.status).toBe(403);
    await t.admin('POST', `/v1/admin/tenants/${tenant.id}/keys`, {
      type: 'publishable',
      allowedOrigins: [origin],
    });
    const after = await t.request('GET', '/v1/conversations', {
      token: s.accessToken,
      headers: { origin },
    });
    expect(after.status).toBe(200);
  });

  it('refuses a secret key sent from a browser', async () => {
    const res = await t.request('POST', '/v1/sessions', {
      token: tenant.secretKey,
      body: { externalUserId: 'x' },
      headers: { origin: tenant.origin },
    });
    expect(res.status).toBe(403);
  });
});

describe('security headers', () => {
  it('lock API responses down and give pages a CSP', async () => {
    const api = await t.request('GET', '/healthz');
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
    expect(api.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(api.headers.get('strict-transport-security')).toBeNull();
    const s = await tenant.session();
    const conv = await t.request('POST', '/v1/conversations', { token: s.accessToken, body: {} });
    // A streamed response is written past Koa: it must still carry the headers.
    const sse = await t.request('POST', `/v1/conversations/${conv.body.id}/messages`, {
      token: s.accessToken,
      body: { content: 'hi' },
      headers: { accept: 'text/event-stream' },
    });
    expect(sse.headers.get('x-content-type-options')).toBe('nosniff');
    expect(sse.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(sse.headers.get('ratelimit-limit')).toBeTruthy();
  });

  it('send HSTS behind a TLS-terminating proxy', async () => {
    // The middleware alone, in a Koa app that trusts X-Forwarded-Proto like PARLEY_TRUST_PROXY.
    const koa = new Koa({ proxy: true });
    koa.use(securityHeaders(loadConfig({}, { jwtSecret: JWT_SECRET, trustProxy: true })));
    koa.use((ctx) => {
      ctx.body = { ok: true };
    });
    const server = http.createServer(koa.callback()).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const tls = await fetch(url, { headers: { 'x-forwarded-proto': 'https' } });
      expect(tls.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      const plain = await fetch(url);
      expect(plain.headers.get('strict-transport-security')).toBeNull();
    } finally {
      server.close();
    }
  });

  it('mark session responses as not cacheable', async () => {
    const s = await t.request('POST', '/v1/sessions', {
      token: tenant.secretKey,
      body: { externalUserId: 'cache' },
    });
    expect(s.headers.get('cache-control')).toBe('no-store');
  });
});

describe('logs', () => {
  it('never contain keys, tokens or passwords, even at trace level', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const config = loadConfig(
      {},
      {
        adminToken: ADMIN_TOKEN,
        jwtSecret: JWT_SECRET,
        logLevel: 'trace',
        offlineWordDelayMs: 0,
      },
    );
    const infra = await openTestInfra();
    const app: ParleyApp = await createApp(config, {
      db: t.db,
      infra,
      providers: new ProviderRegistry().register(new OfflineProvider(0)),
      defaultModels: ['offline:offline'],
      log: createLogger('trace', sink),
      migrate: false,
    });
    const server = await app.listen(0, '127.0.0.1');
    try {
      const post = (path: string, token: string | null, body: unknown, origin?: string) =>
        fetch(server.url + path, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(origin ? { origin } : {}),
          },
          body: JSON.stringify(body),
        });
      const s = (await (
        await post('/v1/sessions', tenant.secretKey, { externalUserId: 'logged' })
      ).json()) as { accessToken: string; refreshToken: string };
      await post('/v1/sessions/refresh', null, { refreshToken: s.refreshToken });
      await post(
        '/v1/accounts/signup',
        tenant.publishableKey,
        {
          email: 'logs@example.com',
          password: 'hunter2-but-longer',
        },
        tenant.origin,
      );
      await post(
        '/v1/accounts/login',
        tenant.publishableKey,
        {
          email: 'logs@example.com',
          password: 'a-wrong-password-x',
        },
        tenant.origin,
      );
      await post('/v1/conversations', s.accessToken, { title: 'x' });
      // Handlers that log what they got (an error path, a debug line) go through the same redaction.
      app.services.log.warn(
        {
          headers: { authorization: `Bearer ${tenant.secretKey}` },
          body: { password: 'p@ss-in-body' },
        },
        'diagnostic',
      );
      app.services.log.info({ password: 'p@ss-top', refreshToken: s.refreshToken }, 'diagnostic');
    } finally {
      await app.close();
      await infra.close();
    }
    const text = lines.join('');
    expect(text).toContain('"msg":"request"');
    for (const secret of [
      tenant.secretKey,
      tenant.publishableKey,
      'hunter2-but-longer',
      'a-wrong-password-x',
      'p@ss-in-body',
      'p@ss-top',
      ADMIN_TOKEN,
      JWT_SECRET,
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/rt_[A-Za-z0-9_-]{20,}/);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
    expect(text).toContain('[redacted]');
  });
});
