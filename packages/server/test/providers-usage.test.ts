import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ANTHROPIC,
  OPENAI,
  SSE_HEADERS,
  anthropicSse,
  isolateNetwork,
  openaiSse,
} from './helpers/provider-fixtures.js';
import { startProviderApp } from './helpers/provider-fixtures.js';
import type { TestApp } from './helpers/test-app.js';
import { parseSse } from './helpers/test-app.js';

let t: TestApp;
let restore: () => void;

beforeAll(async () => {
  // gpt-4o-mini repriced by the operator; claude-haiku-4-5 keeps the default ($1 / $5 per 1M).
  t = await startProviderApp({
    env: { PARLEY_PRICES_JSON: '{"gpt-4o-mini":{"input":1,"output":2}}' },
  });
});
afterAll(() => t.close());
beforeEach(() => {
  restore = isolateNetwork();
});
afterEach(() => restore());

async function ask(token: string, content: string): Promise<Record<string, any>> {
  const conv = await t.request('POST', '/v1/conversations', { token, body: {} });
  const res = await t.request('POST', `/v1/conversations/${conv.body.id}/messages`, {
    token,
    body: { content },
    headers: { accept: 'text/event-stream' },
  });
  return parseSse(res.text).at(-1)!.data;
}

describe('usage and cost', () => {
  it('land on the message row and add up in the usage table, priced per model', async () => {
    const openaiTenant = await t.createTenant({
      models: ['openai:gpt-4o-mini'],
      memory: { enabled: false },
    });
    const anthropicTenant = await t.createTenant({
      models: ['anthropic:claude-haiku-4-5'],
      memory: { enabled: false },
    });
    const o = await openaiTenant.session();
    nock(OPENAI)
      .post('/v1/chat/completions')
      .times(2)
      .reply(200, openaiSse('openai-text.chunks.txt'), SSE_HEADERS);
    await ask(o.accessToken, 'Hi there!');
    const done = await ask(o.accessToken, 'Hi again!');
    expect(done).toMatchObject({
      type: 'response.completed',
      usage: { inputTokens: 9, outputTokens: 9 },
    });

    const k = t.db.knex;
    const row = await k('messages')
      .where({ id: done.message.id, tenant_id: openaiTenant.id })
      .first('input_tokens', 'output_tokens', 'cost_usd');
    // (9 × $1 + 9 × $2) / 1M
    expect([row.input_tokens, row.output_tokens, Number(row.cost_usd)]).toEqual([9, 9, 0.000027]);

    const usage = await k('usage').where({ tenant_id: openaiTenant.id, user_id: o.userId });
    expect(usage).toHaveLength(1);
    expect([
      usage[0].messages,
      Number(usage[0].input_tokens),
      Number(usage[0].output_tokens),
      Number(usage[0].cost_usd),
    ]).toEqual([2, 18, 18, 0.000054]);

    const a = await anthropicTenant.session();
    nock(ANTHROPIC)
      .post('/v1/messages')
      .reply(200, anthropicSse('anthropic-text.chunks.txt'), SSE_HEADERS);
    const answered = await ask(a.accessToken, 'Hi there!');
    const aRow = await k('messages').where({ id: answered.message.id }).first('cost_usd');
    // (10 × $1 + 12 × $5) / 1M
    expect(Number(aRow.cost_usd)).toBe(0.00007);
    const aUsage = await k('usage').where({ tenant_id: anthropicTenant.id }).first('cost_usd');
    expect(Number(aUsage.cost_usd)).toBe(0.00007);
  });
});
