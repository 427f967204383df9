import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ANTHROPIC,
  SSE_HEADERS,
  anthropicSse,
  fixtureHeaders,
  fixtureText,
  isolateNetwork,
  sendTurn,
  startProviderApp,
  streamedText,
} from './helpers/provider-fixtures.js';
import type { TestApp, TestTenant } from './helpers/test-app.js';

let t: TestApp;
let tenant: TestTenant;
let restore: () => void;

beforeAll(async () => {
  t = await startProviderApp({ env: { PARLEY_BREAKER_FAILURES: '1000' } });
  tenant = await t.createTenant({
    models: ['anthropic:claude-haiku-4-5'],
    persona: 'You are the Acme assistant.',
    memory: { enabled: false },
  });
});
afterAll(() => t.close());
beforeEach(() => {
  restore = isolateNetwork();
});
afterEach(() => restore());

const messages = () => nock(ANTHROPIC).post('/v1/messages');

describe('Anthropic through a chat turn', () => {
  it('streams the recorded answer, sends the persona as system, stores usage', async () => {
    let sent: { system?: string; messages?: unknown[] } = {};
    nock(ANTHROPIC)
      .post('/v1/messages', (b: typeof sent) => ((sent = b), true))
      .reply(200, anthropicSse('anthropic-text.chunks.txt'), SSE_HEADERS);
    const { events, rows } = await sendTurn(t, tenant, 'Hi there!');
    expect(events.find((e) => e.type === 'response.started')).toMatchObject({
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
    });
    expect(streamedText(events)).toBe('Hello! How can I help you today?');
    expect(events.at(-1)).toMatchObject({
      type: 'response.completed',
      usage: { inputTokens: 10, outputTokens: 12 },
    });
    expect(sent.system).toContain('You are the Acme assistant.');
    // No system message inside `messages`: Anthropic takes it only at the top level.
    expect(sent.messages?.at(-1)).toEqual({ role: 'user', content: 'Hi there!' });
    expect(sent.messages?.some((m) => (m as { role: string }).role === 'system')).toBe(false);
    expect(rows.at(-1)).toMatchObject({
      role: 'assistant',
      provider: 'anthropic',
      content: 'Hello! How can I help you today?',
      input_tokens: 10,
      output_tokens: 12,
    });
  });

  it('returns a tool_use call from generate with its assembled input', async () => {
    messages().reply(200, anthropicSse('anthropic-tool-use.chunks.txt'), SSE_HEADERS);
    const deltas: string[] = [];
    const g = await t.app.services.generate({
      models: (await t.app.services.tenants.get(tenant.id))!.settings.models,
      messages: [{ role: 'user', content: "What's the weather in Lisbon?" }],
      signal: new AbortController().signal,
      responseId: 'resp-1',
      emit: (e) => {
        if (e.type === 'text.delta') deltas.push(e.delta);
      },
      tools: [{ name: 'weather', description: 'Weather', parameters: { type: 'object' } }],
    });
    expect(deltas.join('')).toBe("I'll check the current weather in Lisbon for you.");
    expect(g.toolCalls.map((c) => [c.id, c.name, JSON.parse(c.argsJson)])).toEqual([
      ['toolu_01Vriv7B6hUkaHm8uHqLdLbh', 'weather', { location: 'Lisbon' }],
    ]);
    expect(g.usage).toEqual({ inputTokens: 604, outputTokens: 66 });
  });

  it('a 401 fails the turn with provider_error and keeps the user message', async () => {
    messages().reply(
      401,
      fixtureText('anthropic-error-401.json'),
      fixtureHeaders('anthropic', 401),
    );
    const { events, rows } = await sendTurn(t, tenant, 'Hello?');
    expect(events.at(-1)).toMatchObject({
      type: 'response.failed',
      error: { code: 'provider_error' },
    });
    expect(rows.map((r) => r.role)).toEqual(['user']);
  });

  for (const status of [429, 529] as const) {
    it(`a ${status} with no fallback fails as provider_unavailable, user message kept`, async () => {
      messages().reply(
        status,
        fixtureText(`anthropic-error-${status}.json`),
        fixtureHeaders('anthropic', status),
      );
      const { events, rows } = await sendTurn(t, tenant, `Status ${status}?`);
      expect(events.at(-1)).toMatchObject({
        type: 'response.failed',
        error: { code: 'provider_unavailable' },
      });
      expect(rows.map((r) => r.role)).toEqual(['user']);
    });
  }

  it('an overloaded error mid-stream keeps the partial answer as incomplete', async () => {
    messages().reply(200, anthropicSse('anthropic-error-midstream.chunks.txt'), SSE_HEADERS);
    const { events, rows } = await sendTurn(t, tenant, 'Hi there!');
    expect(streamedText(events)).toBe('Hello! How');
    expect(events.at(-1)).toMatchObject({
      type: 'response.failed',
      error: { code: 'provider_unavailable' },
      message: { status: 'incomplete', content: 'Hello! How' },
    });
    expect(rows.map((r) => [r.role, r.status, r.content])).toEqual([
      ['user', 'complete', 'Hi there!'],
      ['assistant', 'incomplete', 'Hello! How'],
    ]);
  });

  it('a malformed stream fails with provider_error and keeps the user message', async () => {
    messages().reply(
      200,
      'event: message_start\ndata: {"type":"message_start","message":{"usage":\n\n',
      SSE_HEADERS,
    );
    const { events, rows } = await sendTurn(t, tenant, 'Garbage please');
    expect(events.at(-1)).toMatchObject({
      type: 'response.failed',
      error: { code: 'provider_error' },
    });
    expect(rows.map((r) => [r.role, r.content])).toEqual([['user', 'Garbage please']]);
  });
});
