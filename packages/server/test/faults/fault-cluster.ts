import { randomBytes } from 'node:crypto';
import type { ChildServer } from '../helpers/child-server.js';
import { startChildServer } from '../helpers/child-server.js';
import { openTestDatabase } from '../helpers/test-db.js';

export const ADMIN = 'fault-admin-token-0123456789';
const JWT = 'fault-jwt-secret-0123456789-0123456789-abcdef';

/** PostgreSQL + Redis shared by server processes, as in production; skipped without them. */
export const haveServices = Boolean(process.env.TEST_DATABASE_URL && process.env.TEST_REDIS_URL);

export interface Cluster {
  databaseUrl: string;
  redisUrl: string;
  env: Record<string, string>;
  start(extra?: Record<string, string>): Promise<ChildServer>;
  close(): Promise<void>;
}

/**
 * A fresh database and Redis key prefix for a group of server processes,
 * answering with the offline provider (slowed down so a test can act
 * mid-answer), memory off so every answer depends on its message alone.
 */
export async function openCluster(overrides: Record<string, string> = {}): Promise<Cluster> {
  const db = await openTestDatabase();
  const databaseUrl = db.url!;
  const redisUrl = process.env.TEST_REDIS_URL!;
  const children: ChildServer[] = [];
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    PARLEY_REDIS_PREFIX: `f${randomBytes(5).toString('hex')}:`,
    PARLEY_ADMIN_TOKEN: ADMIN,
    JWT_SECRET_KEY: JWT,
    PARLEY_OFFLINE_WORD_DELAY_MS: '30',
    PARLEY_TURN_LEASE_MS: '1500',
    PARLEY_DRAIN_TIMEOUT_MS: '200',
    PARLEY_MEMORY_CLEANUP_INTERVAL_MS: '0',
    PARLEY_RATE_LIMIT_USER_PER_MINUTE: '100000',
    PARLEY_RATE_LIMIT_TENANT_PER_MINUTE: '1000000',
    PARLEY_RATE_LIMIT_API_KEY_PER_MINUTE: '100000',
    PARLEY_RATE_LIMIT_SESSIONS_PER_MINUTE_PER_IP: '100000',
    ...overrides,
  };
  return {
    databaseUrl,
    redisUrl,
    env,
    async start(extra = {}) {
      const child = await startChildServer({ ...env, ...extra });
      children.push(child);
      return child;
    },
    async close() {
      for (const c of children) c.kill('SIGKILL');
      await Promise.all(children.map((c) => c.exited));
      await db.close();
    },
  };
}

async function call(
  url: string,
  method: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export interface FaultUser {
  token: string;
  newConversation(on: string): Promise<string>;
}

/** A tenant (memory off) and a function that makes users with sessions. */
export async function tenantOn(url: string): Promise<(name: string) => Promise<FaultUser>> {
  const t = await call(`${url}/v1/admin/tenants`, 'POST', ADMIN, {
    name: `faults-${randomBytes(3).toString('hex')}`,
    settings: { memory: { enabled: false } },
  });
  if (t.status !== 201) throw new Error(`tenant: ${JSON.stringify(t.body)}`);
  const key = await call(`${url}/v1/admin/tenants/${t.body.id}/keys`, 'POST', ADMIN, {
    type: 'secret',
  });
  return async (name) => {
    const s = await call(`${url}/v1/sessions`, 'POST', key.body.key, { externalUserId: name });
    if (s.status !== 201) throw new Error(`session: ${JSON.stringify(s.body)}`);
    const token = s.body.accessToken as string;
    return {
      token,
      async newConversation(on) {
        const c = await call(`${on}/v1/conversations`, 'POST', token, {});
        return c.body.id as string;
      },
    };
  };
}

export const request = call;

/** A message whose offline answer is long enough (~70 words) to act in the middle of it. */
export const LONG = (tag: string): string =>
  `${tag}: tell me everything about the history of sailing ships, the winds they followed, ` +
  'the ports they reached and the people who crewed them across every ocean';
