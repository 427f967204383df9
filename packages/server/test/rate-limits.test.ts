import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/test-app.js';
import { startTestApp } from './helpers/test-app.js';
import { ManualClock } from '../src/clock/manual-clock.js';
import { openTestInfra, usingRedis } from './helpers/test-infra.js';
import { openWs, wsUrl } from './helpers/ws-client.js';

// Windows are computed from this clock, which never moves here: a burst can never straddle
// a window edge however slow the machine (it starts on a minute boundary).
const clock = new ManualClock(Date.UTC(2026, 0, 1));
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(() => t.close());

/** One request on its own TCP connection (no keep-alive pool): several real clients at once. */
function rawRequest(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: any }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url + path,
      {
        method,
        agent: false,
        headers: {
          ...headers,
          ...(payload ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            body: text ? JSON.parse(text) : null,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('rate limits', () => {
  it('allow exactly the limit under concurrent requests from many connections', async () => {
    const tenant = await t.createTenant({ rateLimits: { userPerMinute: 10 } });
    const { accessToken } = await tenant.session();
    const results = await Promise.all(
      Array.from({ length: 30 }, () =>
        rawRequest(t.url, 'GET', '/v1/conversations', { authorization: `Bearer ${accessToken}` }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);

    const ok = results.filter((r) => r.status === 200);
    expect(new Set(ok.map((r) => r.headers['ratelimit-limit']))).toEqual(new Set(['10']));
    expect(ok.map((r) => Number(r.headers['ratelimit-remaining'])).sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    const refused = results.find((r) => r.status === 429)!;
    expect(refused.body.error).toMatchObject({ code: 'rate_limited' });
    const retryAfter = refused.body.error.details.retryAfter;
    // At the very start of a window, a full one must pass and the old hits fade a tenth.
    expect(retryAfter).toBe(66);
    expect(Number(refused.headers['retry-after'])).toBe(retryAfter);
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    expect(Number(refused.headers['ratelimit-reset'])).toBeGreaterThan(0);
  });

  it('limit a whole tenant across its users', async () => {
    const tenant = await t.createTenant({ rateLimits: { userPerMinute: 10, tenantPerMinute: 15 } });
    const a = await tenant.session();
    const b = await tenant.session();
    const results = await Promise.all(
      [a, b].flatMap((s) =>
        Array.from({ length: 10 }, () =>
          rawRequest(t.url, 'GET', '/v1/conversations', {
            authorization: `Bearer ${s.accessToken}`,
          }),
        ),
      ),
    );
    // 15 per minute, and the two session creations above were calls of this tenant too.
    expect(results.filter((r) => r.status === 200)).toHaveLength(13);
    // Another tenant is not affected.
    const other = await (await t.createTenant()).session();
    expect((await t.request('GET', '/v1/conversations', { token: other.accessToken })).status).toBe(
      200,
    );
  });

  it('limit each API key, and anonymous session creation per client IP', async () => {
    const tenant = await t.createTenant({
      rateLimits: { apiKeyPerMinute: 5, sessionsPerMinutePerIp: 3 },
    });
    const bySecret = [];
    for (let i = 0; i < 6; i++) {
      bySecret.push(
        (
          await t.request('POST', '/v1/sessions', {
            token: tenant.secretKey,
            body: { externalUserId: `k${i}` },
          })
        ).status,
      );
    }
    expect(bySecret).toEqual([201, 201, 201, 201, 201, 429]);
    const users = await t.db.knex('users').where({ tenant_id: tenant.id }).count({ n: '*' });
    const anon = [];
    for (let i = 0; i < 4; i++) {
      anon.push(
        (
          await t.request('POST', '/v1/sessions', {
            token: tenant.publishableKey,
            headers: { origin: tenant.origin },
          })
        ).status,
      );
    }
    expect(anon).toEqual([201, 201, 201, 429]);
    const after = await t.db.knex('users').where({ tenant_id: tenant.id }).count({ n: '*' });
    expect(Number(after[0]!.n)).toBe(Number(users[0]!.n) + 3);
  });

  it('count turns (SSE and WebSocket) against the same per-user limit, in one limiter call', async () => {
    // Two conversations, one SSE turn and one WebSocket turn fit; the next turns do not.
    const tenant = await t.createTenant({ rateLimits: { userPerMinute: 4 } });
    const s = await tenant.session();
    const conv = await t.request('POST', '/v1/conversations', { token: s.accessToken, body: {} });
    const conv2 = await t.request('POST', '/v1/conversations', { token: s.accessToken, body: {} });
    const limiter = t.app.services.infra.rateLimiter;
    const calls = { hit: 0, check: 0 };
    const hit = limiter.hit.bind(limiter);
    const check = limiter.check.bind(limiter);
    limiter.hit = (...a) => (calls.hit++, hit(...a));
    limiter.check = (...a) => (calls.check++, check(...a));
    try {
      const turn = await t.request('POST', `/v1/conversations/${conv.body.id}/messages`, {
        token: s.accessToken,
        body: { content: 'one' },
        headers: { accept: 'text/event-stream' },
      });
      expect(turn.status).toBe(200);
      expect(turn.headers.get('ratelimit-limit')).toBe('4');
      expect(turn.headers.get('ratelimit-remaining')).toBe('1');
      // Rate limit and quotas of a turn: one call, not one per check.
      expect(calls).toEqual({ hit: 0, check: 1 });
    } finally {
      limiter.hit = hit;
      limiter.check = check;
    }
    const client = await openWs(wsUrl(t.url), { token: s.accessToken });
    try {
      await client.waitFor((f) => f.type === 'ready');
      client.send({
        type: 'message.send',
        ref: 'w1',
        conversationId: conv.body.id,
        content: 'two',
      });
      await client.waitFor((f) => f.type === 'response.completed' && f.seq > 3, 'second turn');
      client.send({
        type: 'message.send',
        ref: 'w2',
        conversationId: conv2.body.id,
        content: 'three',
      });
      const refused = await client.waitFor((f) => f.type === 'error' && f.ref === 'w2');
      expect(refused.error).toMatchObject({ code: 'rate_limited' });
      expect(refused.error.details.retryAfter).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
    const sse = await t.request('POST', `/v1/conversations/${conv.body.id}/messages`, {
      token: s.accessToken,
      body: { content: 'four' },
      headers: { accept: 'text/event-stream' },
    });
    expect(sse.status).toBe(429);
    expect(sse.headers.get('retry-after')).toBeTruthy();
    const rows = await t.db.knex('messages').where({ conversation_id: conv.body.id });
    expect(rows.filter((r) => r.role === 'user').map((r) => r.content)).toEqual(['one', 'two']);
  });
});

describe.skipIf(!usingRedis)('two server instances sharing Redis', () => {
  it('enforce one limit between them', async () => {
    const infra = await openTestInfra((t.infra as { prefix?: string }).prefix);
    const b = await startTestApp({ db: t.db, infra, clock });
    try {
      const tenant = await t.createTenant({ rateLimits: { userPerMinute: 10 } });
      const { accessToken } = await tenant.session();
      const results = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          rawRequest(i % 2 ? b.url : t.url, 'GET', '/v1/conversations', {
            authorization: `Bearer ${accessToken}`,
          }),
        ),
      );
      expect(results.filter((r) => r.status === 200)).toHaveLength(10);
      expect(results.filter((r) => r.status === 429)).toHaveLength(14);
    } finally {
      await b.close();
      await infra.close();
    }
  });
});

if (!usingRedis) console.log('[rate-limits] skipped two-instance limit test: set TEST_REDIS_URL');
