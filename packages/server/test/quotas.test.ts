import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  OPENAI,
  SSE_HEADERS,
  isolateNetwork,
  openaiSse,
  startProviderApp,
} from './helpers/provider-fixtures.js';
import type { TestApp, TestTenant } from './helpers/test-app.js';
import { ManualClock } from '../src/clock/manual-clock.js';
import { openWs, wsUrl } from './helpers/ws-client.js';

// Quota periods and Retry-After come from this clock: started at the real time (the
// database dates usage by its own clock), then frozen so the expected wait is exact.
const clock = new ManualClock(Date.now());
let t: TestApp;
let restore: () => void;

beforeAll(async () => {
  t = await startProviderApp({ env: { PARLEY_BREAKER_FAILURES: '1000' }, clock });
});
afterAll(() => t.close());
beforeEach(() => {
  restore = isolateNetwork();
});
afterEach(() => restore());

/** A tenant on OpenAI (replayed), memory off so no background call takes a replay. */
function openaiTenant(quotas: Record<string, unknown>): Promise<TestTenant> {
  return t.createTenant({ models: ['openai:gpt-4o-mini'], memory: { enabled: false }, quotas });
}

/** The recorded answer: 9 input + 9 output tokens. */
const replayAnswer = () =>
  nock(OPENAI)
    .post('/v1/chat/completions')
    .reply(200, openaiSse('openai-text.chunks.txt'), SSE_HEADERS);

async function send(token: string, conversationId: string, content: string) {
  return t.request('POST', `/v1/conversations/${conversationId}/messages`, {
    token,
    body: { content },
    headers: { accept: 'text/event-stream' },
  });
}

async function newConversation(token: string): Promise<string> {
  return (await t.request('POST', '/v1/conversations', { token, body: {} })).body.id;
}

describe('quotas', () => {
  it('cut a user off at the daily message quota before any provider call', async () => {
    const tenant = await openaiTenant({ user: { messagesPerDay: 2 } });
    const s = await tenant.session();
    const conv = await newConversation(s.accessToken);
    for (const text of ['one', 'two']) {
      const scope = replayAnswer();
      expect((await send(s.accessToken, conv, text)).status).toBe(200);
      expect(scope.isDone()).toBe(true);
    }
    // A replay is ready, so a provider call would succeed; it must not happen.
    const unused = replayAnswer();
    const res = await send(s.accessToken, conv, 'three');
    expect(res.status).toBe(429);
    expect(res.body.error).toMatchObject({
      code: 'quota_exceeded',
      details: { scope: 'user', period: 'day', metric: 'messages', limit: 2, used: 2 },
    });
    const endOfDay = Math.ceil((Date.UTC(...utcTomorrow()) - clock.now()) / 1000);
    expect(Number(res.headers.get('retry-after'))).toBe(endOfDay);
    expect(unused.isDone()).toBe(false);
    expect(nock.pendingMocks()).toHaveLength(1);
    const rows = await t.db.knex('messages').where({ conversation_id: conv });
    expect(rows.filter((r) => r.role === 'user')).toHaveLength(2);
    // Someone else in the tenant still has their own quota.
    const other = await tenant.session();
    expect(
      (await send(other.accessToken, await newConversation(other.accessToken), 'hi')).status,
    ).toBe(200);
  });

  it('count tokens for the whole tenant, across users', async () => {
    const tenant = await openaiTenant({ tenant: { tokensPerDay: 30 } });
    const a = await tenant.session();
    const b = await tenant.session();
    replayAnswer();
    expect((await send(a.accessToken, await newConversation(a.accessToken), 'hi')).status).toBe(
      200,
    );
    replayAnswer();
    // 18 tokens used of 30: still allowed; this turn brings the tenant to 36.
    expect((await send(b.accessToken, await newConversation(b.accessToken), 'hi')).status).toBe(
      200,
    );
    const unused = replayAnswer();
    const res = await send(a.accessToken, await newConversation(a.accessToken), 'hi');
    expect(res.status).toBe(429);
    expect(res.body.error.details).toMatchObject({ scope: 'tenant', metric: 'tokens', used: 36 });
    expect(unused.isDone()).toBe(false);
  });

  it('read usage recorded earlier (another instance, a restart) from the usage table', async () => {
    const tenant = await openaiTenant({ user: { messagesPerMonth: 5 } });
    const s = await tenant.session();
    // Five messages earlier this month, written before this server ever counted anything.
    await t.db.knex('usage').insert({
      tenant_id: tenant.id,
      user_id: s.userId,
      day: t.db.knex.raw("date_trunc('month', now() at time zone 'utc')::date"),
      messages: 5,
      input_tokens: 100,
      output_tokens: 100,
    });
    const unused = replayAnswer();
    const res = await send(s.accessToken, await newConversation(s.accessToken), 'hi');
    expect(res.status).toBe(429);
    expect(res.body.error.details).toMatchObject({ period: 'month', used: 5, limit: 5 });
    expect(unused.isDone()).toBe(false);
  });

  it('refuse a WebSocket turn over quota the same way', async () => {
    const tenant = await openaiTenant({ user: { messagesPerDay: 1 } });
    const s = await tenant.session();
    const conv = await newConversation(s.accessToken);
    replayAnswer();
    expect((await send(s.accessToken, conv, 'one')).status).toBe(200);
    const unused = replayAnswer();
    const client = await openWs(wsUrl(t.url), { token: s.accessToken });
    try {
      await client.waitFor((f) => f.type === 'ready');
      client.send({ type: 'message.send', ref: 'q', conversationId: conv, content: 'two' });
      const refused = await client.waitFor((f) => f.type === 'error' && f.ref === 'q');
      expect(refused.error).toMatchObject({ code: 'quota_exceeded' });
    } finally {
      await client.close();
    }
    expect(unused.isDone()).toBe(false);
  });
});

function utcTomorrow(): [number, number, number] {
  const d = new Date(clock.now());
  return [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1];
}
