import pino from 'pino';
import type { Logger } from 'pino';
import type { Clock } from '../../src/clock/clock.js';
import type { ServerConfig } from '../../src/config/env.js';
import { loadConfig } from '../../src/config/env.js';
import type { ParleyApp } from '../../src/create-app.js';
import { createApp } from '../../src/create-app.js';
import type { Database } from '../../src/db/connect.js';
import type { Infra } from '../../src/infra/index.js';
import { OfflineProvider } from '../../src/providers/offline-provider.js';
import { ProviderRegistry } from '../../src/providers/registry.js';
import { openTestDatabase } from './test-db.js';
import { openTestInfra } from './test-infra.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const JWT_SECRET = 'test-jwt-secret-0123456789-0123456789-abcdef';

export interface TestAppOptions {
  providers?: ProviderRegistry;
  defaultModels?: string[];
  config?: Partial<ServerConfig>;
  /** Share one database / Redis between several apps (multi-instance tests). */
  db?: Database;
  infra?: Infra;
  /** Time for every timeout, expiry and schedule: a ManualClock lets the test move it. */
  clock?: Clock;
  /** Where the app logs (silent unless TEST_LOG_LEVEL); tests that check logs pass their own. */
  log?: Logger;
}

export interface TestApp {
  app: ParleyApp;
  url: string;
  db: Database;
  infra: Infra;
  /** JSON request helper; returns status, parsed body and headers. */
  request(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<TestResponse>;
  admin(method: string, path: string, body?: unknown): Promise<TestResponse>;
  /** Creates a tenant with a secret and a publishable key. */
  createTenant(settings?: Record<string, unknown>): Promise<TestTenant>;
  close(): Promise<void>;
}

export interface TestTenant {
  id: string;
  secretKey: string;
  publishableKey: string;
  origin: string;
  /** Starts a session for an external user id through the secret key. */
  session(
    externalUserId?: string,
  ): Promise<{ accessToken: string; refreshToken: string; userId: string }>;
}

export interface TestResponse {
  status: number;
  body: any;
  headers: Headers;
  text: string;
}

export async function startTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const db = opts.db ?? (await openTestDatabase());
  const infra = opts.infra ?? (await openTestInfra());
  const config = loadConfig(
    {},
    {
      adminToken: ADMIN_TOKEN,
      jwtSecret: JWT_SECRET,
      logLevel: 'silent',
      port: 0,
      offlineWordDelayMs: 0,
      drainTimeoutMs: 0,
      resumeGraceMs: 0,
      ...opts.config,
    },
  );
  const providers = opts.providers ?? new ProviderRegistry().register(new OfflineProvider(0));
  const app = await createApp(config, {
    db,
    infra,
    providers,
    defaultModels: opts.defaultModels ?? ['offline:offline'],
    log: opts.log ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    migrate: false,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const server = await app.listen(0, '127.0.0.1');
  const url = server.url;

  const request: TestApp['request'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let payload: string | undefined;
    if (o.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      payload = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    }
    const res = await fetch(url + path, { method, headers, body: payload });
    const text = await res.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    return { status: res.status, body, headers: res.headers, text };
  };
  const admin: TestApp['admin'] = (method, path, body) =>
    request(method, path, { token: ADMIN_TOKEN, body });

  const createTenant: TestApp['createTenant'] = async (settings = {}) => {
    const t = await admin('POST', '/v1/admin/tenants', {
      name: `tenant-${Math.random().toString(36).slice(2, 8)}`,
      settings,
    });
    if (t.status !== 201) throw new Error(`createTenant failed: ${t.text}`);
    const origin = 'https://shop.example.com';
    const sk = await admin('POST', `/v1/admin/tenants/${t.body.id}/keys`, { type: 'secret' });
    const pk = await admin('POST', `/v1/admin/tenants/${t.body.id}/keys`, {
      type: 'publishable',
      allowedOrigins: [origin],
    });
    return {
      id: t.body.id,
      secretKey: sk.body.key,
      publishableKey: pk.body.key,
      origin,
      async session(externalUserId = `user-${Math.random().toString(36).slice(2, 10)}`) {
        const s = await request('POST', '/v1/sessions', {
          token: sk.body.key,
          body: { externalUserId },
        });
        if (s.status !== 201) throw new Error(`session failed: ${s.text}`);
        return {
          accessToken: s.body.accessToken,
          refreshToken: s.body.refreshToken,
          userId: s.body.user.id,
        };
      },
    };
  };

  return {
    app,
    url,
    db,
    infra,
    request,
    admin,
    createTenant,
    async close() {
      await app.close();
      if (!opts.infra) await infra.close();
      if (!opts.db) await db.close();
    },
  };
}

/** Parses an SSE body into protocol events. */
export function parseSse(text: string): Array<{ id?: string; event?: string; data: any }> {
  return text
    .split('\n\n')
    .filter((block) => block.includes('data: '))
    .map((block) => {
      const lines = block.split('\n');
      const field = (name: string) =>
        lines.find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
      return { id: field('id'), event: field('event'), data: JSON.parse(field('data')!) };
    });
}
