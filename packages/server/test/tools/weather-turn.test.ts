import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OFFLINE_LABEL } from '../../src/providers/offline-provider.js';
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
import { startTestApp } from '../helpers/test-app.js';
import { nockOpenMeteo, toolFixture } from '../helpers/tool-fixtures.js';

// Memory extraction would call the model in the background and take a replayed response.
const OPENAI_TENANT = { models: ['openai:gpt-4o-mini'], memory: { enabled: false } };
let restore: () => void;
beforeEach(() => {
  restore = isolateNetwork();
});
afterEach(() => restore());

describe('a weather question answered through the weather tool (OpenAI + Open-Meteo replayed)', () => {
  let t: TestApp;
  let tenant: TestTenant;
  beforeAll(async () => {
    t = await startProviderApp();
    tenant = await t.createTenant(OPENAI_TENANT);
  });
  afterAll(() => t.close());

  it('streams tool.started / progress / completed, feeds the result back and records it', async () => {
    const requests: any[] = [];
    const openai = nock(OPENAI)
      .post('/v1/chat/completions', (b) => (requests.push(b), true))
      .reply(200, openaiSse('openai-tool-call.chunks.txt'), SSE_HEADERS)
      .post('/v1/chat/completions', (b) => (requests.push(b), true))
      .reply(200, openaiSse('openai-after-tool.chunks.txt'), SSE_HEADERS);
    const weather = nockOpenMeteo('lisbon');

    const { events, rows, conversationId } = await sendTurn(
      t,
      tenant,
      "What's the weather in Lisbon?",
    );
    expect(openai.isDone()).toBe(true);
    expect(weather.every((s) => s.isDone())).toBe(true);

    const types = events.map((e) => e.type);
    expect(types.filter((x) => x === 'response.started')).toHaveLength(1);
    const started = events.find((e) => e.type === 'tool.started')!;
    expect(started).toMatchObject({
      toolCallId: 'call_45MeOYGbZCdf4xScnnKICwZX',
      name: 'weather',
      args: { location: 'Lisbon' },
    });
    const progress = events.filter((e) => e.type === 'tool.progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]!.note).toMatch(/Lisbon/);
    const completed = events.find((e) => e.type === 'tool.completed')!;
    expect(completed).toMatchObject({ status: 'ok', name: 'weather' });
    expect(completed.result.location).toMatchObject({ name: 'Lisbon', country: 'Portugal' });
    expect(completed.result.current).toMatchObject({ temperature: 18.4, conditions: 'clear sky' });
    expect(completed.result.forecast.map((d: any) => d.max)).toEqual([19.6, 18.9, 16.2]);
    expect(types.indexOf('tool.started')).toBeLessThan(types.indexOf('tool.completed'));
    expect(types.indexOf('tool.completed')).toBeLessThan(types.indexOf('text.delta'));
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i));

    // The model was offered the tool, then got its result as a tool message.
    expect(requests[0].tools.map((x: any) => x.function.name)).toContain('weather');
    const toolMsg = requests[1].messages.find((m: any) => m.role === 'tool');
    expect(toolMsg.tool_call_id).toBe('call_45MeOYGbZCdf4xScnnKICwZX');
    expect(JSON.parse(toolMsg.content).current.temperature).toBe(18.4);
    const assistantCall = requests[1].messages.find((m: any) => m.tool_calls);
    expect(assistantCall.tool_calls[0].function).toEqual({
      name: 'weather',
      arguments: '{"location":"Lisbon"}',
    });

    const answer =
      'It is 18°C and sunny in Lisbon right now, with a light breeze from the northwest.';
    expect(streamedText(events)).toBe(answer);
    expect(events.at(-1)).toMatchObject({
      type: 'response.completed',
      message: { content: answer },
      usage: { inputTokens: 58 + 131, outputTokens: 15 + 21 },
    });

    // user, tool result, answer: the tool message takes the seq of its tool.completed event.
    expect(rows.map((r) => r.role)).toEqual(['user', 'tool', 'assistant']);
    expect(Number(rows[1]!.seq)).toBe(completed.seq);
    expect(rows[1]!.tool_call_id).toBe('call_45MeOYGbZCdf4xScnnKICwZX');
    expect(rows[2]!.tool_calls).toEqual([
      {
        id: 'call_45MeOYGbZCdf4xScnnKICwZX',
        name: 'weather',
        args: { location: 'Lisbon' },
        status: 'ok',
      },
    ]);

    const execs = await t.db
      .knex('tool_executions')
      .where({ conversation_id: conversationId, tenant_id: tenant.id });
    expect(execs).toHaveLength(1);
    expect(execs[0]).toMatchObject({
      name: 'weather',
      status: 'ok',
      args: { location: 'Lisbon' },
      error: null,
      tool_call_id: 'call_45MeOYGbZCdf4xScnnKICwZX',
      message_id: rows[1]!.id,
    });
    expect(execs[0].result.current.temperature).toBe(18.4);
    expect(execs[0].duration_ms).toBeGreaterThanOrEqual(0);
  });

  it('tells the model when no place matches, and the turn still answers', async () => {
    const requests: any[] = [];
    nock(OPENAI)
      .post('/v1/chat/completions', (b) => (requests.push(b), true))
      .reply(200, openaiSse('openai-tool-call.chunks.txt'), SSE_HEADERS)
      .post('/v1/chat/completions', (b) => (requests.push(b), true))
      .reply(200, openaiSse('openai-after-tool.chunks.txt'), SSE_HEADERS);
    nock('https://geocoding-api.open-meteo.com')
      .get('/v1/search')
      .query(true)
      .reply(200, toolFixture('open-meteo-geocoding-empty.json') as nock.Body);
    const { events } = await sendTurn(t, tenant, "What's the weather in Lisbon?");
    expect(events.find((e) => e.type === 'tool.completed')).toMatchObject({
      status: 'error',
      error: 'No place called "Lisbon" was found',
    });
    const toolMsg = requests[1].messages.find((m: any) => m.role === 'tool');
    expect(JSON.parse(toolMsg.content)).toEqual({
      error: 'No place called "Lisbon" was found',
      reason: 'tool_error',
    });
    expect(events.at(-1)!.type).toBe('response.completed');
  });

  it('uses OpenWeatherMap when WEATHER_API_KEY is set', async () => {
    const app = await startProviderApp({ config: { weatherApiKey: 'owm-test-key' } });
    try {
      const tn = await app.createTenant(OPENAI_TENANT);
      nock(OPENAI)
        .post('/v1/chat/completions')
        .reply(200, openaiSse('openai-tool-call.chunks.txt'), SSE_HEADERS)
        .post('/v1/chat/completions')
        .reply(200, openaiSse('openai-after-tool.chunks.txt'), SSE_HEADERS);
      const owm = nock('https://api.openweathermap.org')
        .get('/data/2.5/weather')
        .query({ q: 'Lisbon', units: 'metric', appid: 'owm-test-key' })
        .reply(200, toolFixture('openweathermap-current-lisbon.json') as nock.Body)
        // No forecast was recorded: the service failing it must not lose the current weather.
        .get('/data/2.5/forecast')
        .query(true)
        .reply(502, 'bad gateway');
      const { events } = await sendTurn(app, tn, "What's the weather in Lisbon?");
      expect(owm.isDone()).toBe(true);
      const completed = events.find((e) => e.type === 'tool.completed')!;
      expect(completed.status).toBe('ok');
      expect(completed.result).toMatchObject({
        source: 'openweathermap',
        location: { name: 'Lisbon', country: 'PT' },
        current: { temperature: 18.42, conditions: 'clear sky', time: '2026-04-14T14:45' },
        forecast: [],
      });
    } finally {
      await app.close();
    }
  });
});

describe('the offline provider drives the weather tool', () => {
  it('calls weather for "weather in Porto" and reports the result, labelled offline', async () => {
    const t = await startTestApp();
    try {
      const tenant = await t.createTenant();
      const scopes = nockOpenMeteo('porto');
      const { events } = await sendTurn(t, tenant, 'What is the weather in Porto?');
      expect(scopes.every((s) => s.isDone())).toBe(true);
      expect(events.find((e) => e.type === 'tool.completed')).toMatchObject({
        status: 'ok',
        result: { location: { name: 'Porto' }, current: { temperature: 16.1 } },
      });
      const text = streamedText(events);
      expect(text.startsWith(OFFLINE_LABEL)).toBe(true);
      expect(text).toContain('Porto, Portugal: 16.1 °C, partly cloudy');
      expect(events.at(-1)).toMatchObject({
        type: 'response.completed',
        message: { content: text, offline: true },
      });
    } finally {
      await t.close();
    }
  });
});
