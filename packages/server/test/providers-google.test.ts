import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  GOOGLE,
  fixtureText,
  geminiSse,
  isolateNetwork,
  sendTurn,
  startProviderApp,
  streamedText,
} from './helpers/provider-fixtures.js';
import type { TestApp, TestTenant } from './helpers/test-app.js';

const PATH = '/v1beta/models/gemini-3-pro-preview:streamGenerateContent';
const SSE = { 'content-type': 'text/event-stream' };
const JSON_HEADERS = { 'content-type': 'application/json; charset=UTF-8' };

let t: TestApp;
let tenant: TestTenant;
let restore: () => void;

beforeAll(async () => {
  t = await startProviderApp({ env: { PARLEY_BREAKER_FAILURES: '1000' } });
  tenant = await t.createTenant({
    models: ['google:gemini-3-pro-preview'],
    memory: { enabled: false },
  });
});
afterAll(() => t.close());
beforeEach(() => {
  restore = isolateNetwork();
});
afterEach(() => restore());

const gemini = () => nock(GOOGLE).post(PATH).query({ alt: 'sse' });

describe('Gemini through a chat turn', () => {
  it('streams the recorded answer and stores it with usage', async () => {
    gemini().reply(200, geminiSse('google-text.chunks.txt'), SSE);
    const { events, rows } = await sendTurn(t, tenant, 'Hi there!');
    expect(events.find((e) => e.type === 'response.started')).toMatchObject({
      provider: 'google',
      model: 'gemini-3-pro-preview',
    });
    expect(streamedText(events)).toBe('Hello! How can I help you today?');
    expect(rows.at(-1)).toMatchObject({
      role: 'assistant',
      status: 'complete',
      provider: 'google',
      input_tokens: 4,
      output_tokens: 127,
    });
  });

  it('returns a function call from generate, keeping its thought signature', async () => {
    gemini().reply(200, geminiSse('google-function-call.chunks.txt'), SSE);
    const g = await t.app.services.generate({
      models: (await t.app.services.tenants.get(tenant.id))!.settings.models,
      messages: [{ role: 'user', content: "What's the weather in Lisbon?" }],
      signal: new AbortController().signal,
      responseId: 'resp-1',
      emit: () => {},
      tools: [{ name: 'weather', description: 'Weather', parameters: { type: 'object' } }],
    });
    expect(g.error).toBeNull();
    expect(g.toolCalls).toHaveLength(1);
    expect(g.toolCalls[0]).toMatchObject({ name: 'weather' });
    expect(JSON.parse(g.toolCalls[0]!.argsJson)).toEqual({ location: 'Lisbon' });
    expect(g.toolCalls[0]!.signature).toBeTruthy();
  });

  it('an invalid key (400) fails with provider_error and keeps the user message', async () => {
    gemini().reply(400, fixtureText('google-error-400.json'), JSON_HEADERS);
    const { events, rows } = await sendTurn(t, tenant, 'Hello?');
    expect(events.at(-1)).toMatchObject({
      type: 'response.failed',
      error: { code: 'provider_error' },
    });
    expect(JSON.stringify(events)).not.toContain('API key not valid');
    expect(rows.map((r) => r.role)).toEqual(['user']);
  });

  for (const status of [429, 503] as const) {
    it(`a ${status} with no fallback fails as provider_unavailable`, async () => {
      gemini().reply(status, fixtureText(`google-error-${status}.json`), JSON_HEADERS);
      const { events, rows } = await sendTurn(t, tenant, `Status ${status}?`);
      expect(events.at(-1)).toMatchObject({
        type: 'response.failed',
        error: { code: 'provider_unavailable' },
      });
      expect(rows.map((r) => r.role)).toEqual(['user']);
    });
  }

  it('a stream cut off before its finishReason is kept as incomplete', async () => {
    const [first] = geminiSse('google-text.chunks.txt').split('\r\n\r\n');
    gemini().reply(200, `${first}\r\n\r\n`, SSE);
    const { events, rows } = await sendTurn(t, tenant, 'Hi there!');
    expect(streamedText(events)).toBe('Hello! How can I');
    expect(events.at(-1)).toMatchObject({
      type: 'response.failed',
      message: { status: 'incomplete', content: 'Hello! How can I' },
    });
    expect(rows.map((r) => [r.role, r.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'incomplete'],
    ]);
  });

  it('a malformed stream fails with provider_error and keeps the user message', async () => {
    gemini().reply(200, 'data: {"candidates":[{"content":\r\n\r\n', SSE);
    const { events, rows } = await sendTurn(t, tenant, 'Garbage please');
    expect(events.at(-1)).toMatchObject({
      type: 'response.failed',
      error: { code: 'provider_error' },
    });
    expect(rows.map((r) => [r.role, r.content])).toEqual([['user', 'Garbage please']]);
  });
});
