import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ToolSpec } from '../src/providers/provider.js';
import {
  OPENAI,
  SSE_HEADERS,
  fixtureHeaders,
  fixtureText,
  isolateNetwork,
  openaiSse,
  sendTurn,
  startProviderApp,
  streamedText,
} from './helpers/provider-fixtures.js';
import type { TestApp, TestTenant } from './helpers/test-app.js';

const WEATHER: ToolSpec = {
  name: 'weather',
  description: 'Current weather for a place',
  parameters: {
    type: 'object',
    properties: { location: { type: 'string' } },
    required: ['location'],
  },
};
const CALCULATOR: ToolSpec = {
  name: 'calculator',
  description: 'Evaluates a math expression',
  parameters: { type: 'object', properties: { expression: { type: 'string' } } },
};

let t: TestApp;
let tenant: TestTenant;
let restore: () => void;

beforeAll(async () => {
  // The breaker has its own tests; here every error must reach the vendor.
  t = await startProviderApp({ env: { PARLEY_BREAKER_FAILURES: '1000' } });
  // Memory off: its background extraction would call the model too and take the next replay.
  tenant = await t.createTenant({ models: ['openai:gpt-4o-mini'], memory: { enabled: false } });
});
afterAll(() => t.close());
beforeEach(() => {
  restore = isolateNetwork();
});
afterEach(() => restore());

const completions = () => nock(OPENAI).post('/v1/chat/completions');

describe('OpenAI through a chat turn', () => {
  it('streams the recorded answer and stores it with provider, model and usage', async () => {
    completions().reply(200, openaiSse('openai-text.chunks.txt'), SSE_HEADERS);
    const { events, rows } = await sendTurn(t, tenant, 'Hi there!');
    expect(events.find((e) => e.type === 'response.started')).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o-mini',
      offline: false,
    });
    expect(streamedText(events)).toBe('Hello! How can I help you today?');
    expect(events.at(-1)).toMatchObject({
      type: 'response.completed',
      usage: { inputTokens: 9, outputTokens: 9 },
      message: { content: 'Hello! How can I help you today?', provider: 'openai' },
    });
    expect(
      rows.map((r) => [r.role, r.status, r.provider, r.input_tokens, r.output_tokens]),
    ).toEqual([
      ['user', 'complete', null, null, null],
      ['assistant', 'complete', 'openai', 9, 9],
    ]);
  });

  it('returns a streamed tool call from generate, with the tools sent to OpenAI', async () => {
    let sent: { tools?: Array<{ function: { name: string } }> } = {};
    nock(OPENAI)
      .post('/v1/chat/completions', (b: typeof sent) => ((sent = b), true))
      .reply(200, openaiSse('openai-tool-call.chunks.txt'), SSE_HEADERS);
    const g = await t.app.services.generate({
      models: (await t.app.services.tenants.get(tenant.id))!.settings.models,
      messages: [{ role: 'user', content: "What's the weather in Lisbon?" }],
      signal: new AbortController().signal,
      responseId: 'resp-1',
      emit: () => {},
      tools: [WEATHER],
    });
    expect(g.error).toBeNull();
    expect(g.toolCalls).toHaveLength(1);
    expect(g.toolCalls[0]).toMatchObject({ id: 'call_45MeOYGbZCdf4xScnnKICwZX', name: 'weather' });
    expect(JSON.parse(g.toolCalls[0]!.argsJson)).toEqual({ location: 'Lisbon' });
    expect(sent.tools?.map((x) => x.function.name)).toEqual(['weather']);
  });

  it('returns parallel tool calls from generate, both, in order', async () => {
    completions().reply(200, openaiSse('openai-parallel-tool-calls.chunks.txt'), SSE_HEADERS);
    const g = await t.app.services.generate({
      models: (await t.app.services.tenants.get(tenant.id))!.settings.models,
      messages: [{ role: 'user', content: 'Weather in Lisbon, and (3+4)*12 km to miles?' }],
      signal: new AbortController().signal,
      responseId: 'resp-2',
      emit: () => {},
      tools: [WEATHER, CALCULATOR],
    });
    expect(g.toolCalls.map((c) => [c.name, JSON.parse(c.argsJson)])).toEqual([
      ['weather', { location: 'Lisbon' }],
      ['calculator', { expression: '(3+4)*12 km to miles' }],
    ]);
    expect(g.usage).toEqual({ inputTokens: 96, outputTokens: 57 });
  });

  it('a 401 fails the turn with provider_error and keeps the user message', async () => {
    completions().reply(401, fixtureText('openai-error-401.json'), fixtureHeaders('openai', 401));
    const { events, rows } = await sendTurn(t, tenant, 'Hello?');
    expect(events.at(-1)).toMatchObject({
      type: 'response.failed',
      error: { code: 'provider_error' },
      message: null,
    });
    // Vendor detail (even a masked key) never reaches the client.
    expect(JSON.stringify(events)).not.toContain('sk-proj');
    expect(rows.map((r) => [r.role, r.content])).toEqual([['user', 'Hello?']]);
  });

  for (const status of [429, 500] as const) {
    it(`a ${status} with no fallback fails the turn as provider_unavailable, user message kept`, async () => {
      completions().reply(
        status,
        fixtureText(`openai-error-${status}.json`),
        fixtureHeaders('openai', status),
      );
      const { events, rows } = await sendTurn(t, tenant, `Status ${status}?`);
      expect(events.map((e) => e.type)).toEqual(['message.created', 'response.failed']);
      expect(events.at(-1)!.error.code).toBe('provider_unavailable');
      expect(rows.map((r) => r.role)).toEqual(['user']);
    });
  }

  it('a stream cut off mid-answer is stored as incomplete and ends with response.failed', async () => {
    completions().reply(
      200,
      openaiSse('openai-truncated.chunks.txt', { done: false }),
      SSE_HEADERS,
    );
    const { events, rows } = await sendTurn(t, tenant, 'Hi there!');
    const partial = streamedText(events);
    expect(partial).not.toBe('');
    expect('Hello! How can I help you today?'.startsWith(partial)).toBe(true);
    const failed = events.at(-1)!;
    expect(failed).toMatchObject({
      type: 'response.failed',
      error: { code: 'provider_unavailable' },
      message: { status: 'incomplete', content: partial },
    });
    expect(rows.map((r) => [r.role, r.status, r.content])).toEqual([
      ['user', 'complete', 'Hi there!'],
      ['assistant', 'incomplete', partial],
    ]);
  });

  it('a malformed stream fails with provider_error and keeps the user message', async () => {
    completions().reply(200, 'data: {"id":"chatcmpl-1","choices":[{"delta":\n\n', SSE_HEADERS);
    const { events, rows } = await sendTurn(t, tenant, 'Garbage please');
    expect(events.at(-1)).toMatchObject({
      type: 'response.failed',
      error: { code: 'provider_error', message: 'The model provider returned an invalid response' },
    });
    expect(rows.map((r) => [r.role, r.content])).toEqual([['user', 'Garbage please']]);
  });
});
