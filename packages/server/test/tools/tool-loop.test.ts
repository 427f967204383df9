import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import {
  OPENAI,
  SSE_HEADERS,
  isolateNetwork,
  openaiSse,
  sendTurn,
  startProviderApp,
  streamedText,
} from '../helpers/provider-fixtures.js';
import type { TestApp, TestTenant } from '../helpers/test-app.js';
import { nockOpenMeteo } from '../helpers/tool-fixtures.js';

// Memory extraction would call the model in the background and take a replayed response.
const OPENAI_TENANT = { models: ['openai:gpt-4o-mini'], memory: { enabled: false } };
let t: TestApp;
let tenant: TestTenant;
let restore: () => void;

beforeAll(async () => {
  const tools = { ...loadConfig({}, { jwtSecret: 'x'.repeat(32) }).tools, maxSteps: 1 };
  t = await startProviderApp({ config: { tools } });
  tenant = await t.createTenant(OPENAI_TENANT);
});
afterAll(() => t.close());
beforeEach(() => {
  restore = isolateNetwork();
});
afterEach(() => restore());

function replay(...fixtures: string[]): any[] {
  const bodies: any[] = [];
  const scope = nock(OPENAI);
  for (const f of fixtures) {
    scope
      .post('/v1/chat/completions', (b) => (bodies.push(b), true))
      .reply(200, openaiSse(f), SSE_HEADERS);
  }
  return bodies;
}

describe('the agent loop', () => {
  it('runs parallel tool calls and sends both results back in one follow-up', async () => {
    const bodies = replay('openai-parallel-tool-calls.chunks.txt', 'openai-after-tool.chunks.txt');
    nockOpenMeteo('lisbon');
    const { events, rows } = await sendTurn(
      t,
      tenant,
      "What's the weather in Lisbon, and what is (3+4)*12 km in miles?",
    );
    const completed = events.filter((e) => e.type === 'tool.completed');
    expect(completed.map((e) => [e.name, e.status]).sort()).toEqual([
      ['calculator', 'ok'],
      ['weather', 'ok'],
    ]);
    expect(completed.find((e) => e.name === 'calculator')!.result.result).toMatch(
      /^52\.19\d* miles$/,
    );
    // Both calls started before either finished.
    const types = events.map((e) => `${e.type}:${e.name ?? ''}`);
    expect(types.indexOf('tool.started:calculator')).toBeLessThan(
      types.indexOf('tool.completed:weather'),
    );
    const toolMsgs = bodies[1].messages.filter((m: any) => m.role === 'tool');
    expect(toolMsgs.map((m: any) => m.tool_call_id).sort()).toEqual([
      'call_09GepwzUsBWSJb1QRrm8EL16',
      'call_Up2VooZATbBhPN7qFYUhUSuQ',
    ]);
    expect(rows.filter((r) => r.role === 'tool')).toHaveLength(2);
    expect(events.at(-1)!.type).toBe('response.completed');
  });

  it('answers a call to a tool the tenant disabled with an error result, and the turn goes on', async () => {
    await t.admin('PUT', `/v1/admin/tenants/${tenant.id}/tools/weather`, { enabled: false });
    try {
      const bodies = replay('openai-tool-call.chunks.txt', 'openai-after-tool.chunks.txt');
      const { events, conversationId } = await sendTurn(t, tenant, "What's the weather in Lisbon?");
      expect(bodies[0].tools.map((x: any) => x.function.name)).not.toContain('weather');
      expect(events.find((e) => e.type === 'tool.completed')).toMatchObject({
        status: 'error',
        name: 'weather',
      });
      const tool = bodies[1].messages.find((m: any) => m.role === 'tool');
      expect(JSON.parse(tool.content).error).toMatch(/^There is no tool named "weather"/);
      expect(streamedText(events)).toMatch(/^It is 18°C/);
      const [exec] = await t.db.knex('tool_executions').where({ conversation_id: conversationId });
      expect(exec).toMatchObject({ name: 'weather', status: 'error' });
    } finally {
      await t.admin('DELETE', `/v1/admin/tenants/${tenant.id}/tools/weather`);
    }
  });

  it('stops after the step limit: one more call is refused, then the answer ends', async () => {
    const bodies = replay(
      'openai-tool-call.chunks.txt',
      'openai-tool-call.chunks.txt',
      'openai-tool-call.chunks.txt',
    );
    nockOpenMeteo('lisbon'); // only the first round runs the tool
    const { events } = await sendTurn(t, tenant, "What's the weather in Lisbon?");
    expect(bodies).toHaveLength(3);
    const results = events.filter((e) => e.type === 'tool.completed');
    expect(results.map((e) => e.status)).toEqual(['ok', 'error']);
    expect(results[1]!.error).toMatch(/step limit/);
    expect(events.at(-1)!.type).toBe('response.completed');
    expect(nock.pendingMocks()).toEqual([]);
  });
});
