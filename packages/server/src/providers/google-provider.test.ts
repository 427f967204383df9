import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  GOOGLE,
  fixtureText,
  geminiSse,
  collectChunks,
  isolateNetwork,
  textOf,
  WEATHER_TOOL,
  connectionRefused,
} from '../../test/helpers/provider-fixtures.js';
import { GoogleProvider } from './google-provider.js';
import type { ChatMessage, ToolSpec } from './provider.js';

const MODEL = 'gemini-3-pro-preview';
const PATH = `/v1beta/models/${MODEL}:streamGenerateContent`;
const SSE = { 'content-type': 'text/event-stream' };
const JSON_HEADERS = { 'content-type': 'application/json; charset=UTF-8' };

const collect = (messages: ChatMessage[], tools?: ToolSpec[]) =>
  collectChunks(new GoogleProvider({ apiKey: 'goog-test-key' }), MODEL, messages, tools);

const hi: ChatMessage[] = [
  { role: 'system', content: 'You are Parley.' },
  { role: 'user', content: 'Hi there!' },
];

let restore: () => void;
beforeEach(() => {
  restore = isolateNetwork();
});
afterEach(() => restore());

describe('GoogleProvider', () => {
  it('streams text over alt=sse with the key in a header, and reports usage', async () => {
    let sent: Record<string, unknown> = {};
    let key: unknown;
    nock(GOOGLE)
      .post(PATH, (b: Record<string, unknown>) => ((sent = b), true))
      .query({ alt: 'sse' })
      .reply(function () {
        key = this.req.headers['x-goog-api-key'];
        return [200, geminiSse('google-text.chunks.txt'), SSE];
      });
    const { chunks, error } = await collect(hi);
    expect(error).toBeNull();
    expect(textOf(chunks)).toBe('Hello! How can I help you today?');
    // Thinking tokens are billed as output: 9 candidates + 118 thoughts.
    expect(chunks.at(-1)).toEqual({
      type: 'finish',
      reason: 'stop',
      usage: { inputTokens: 4, outputTokens: 127 },
    });
    expect(key).toBe('goog-test-key');
    expect(sent).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Hi there!' }] }],
      systemInstruction: { parts: [{ text: 'You are Parley.' }] },
    });
  });

  it('turns a functionCall part into a tool call with a generated id and its signature', async () => {
    let sent: { tools?: unknown } = {};
    nock(GOOGLE)
      .post(PATH, (b: typeof sent) => ((sent = b), true))
      .query({ alt: 'sse' })
      .reply(200, geminiSse('google-function-call.chunks.txt'), SSE);
    const { chunks } = await collect(
      [{ role: 'user', content: "What's the weather in Lisbon?" }],
      [WEATHER_TOOL],
    );
    const calls = chunks.flatMap((c) => (c.type === 'tool-call' ? [c.call] : []));
    expect(calls).toHaveLength(1);
    expect(calls[0]!.id).toMatch(/^call_[\w-]{8,}$/);
    expect(calls[0]!.name).toBe('weather');
    expect(JSON.parse(calls[0]!.argsJson)).toEqual({ location: 'Lisbon' });
    expect(calls[0]!.signature).toMatch(/^EqUCCqICAb4/);
    // Gemini says STOP for function calls; the contract says tool_calls.
    expect(chunks.at(-1)).toEqual({
      type: 'finish',
      reason: 'tool_calls',
      usage: { inputTokens: 29, outputTokens: 57 },
    });
    expect(sent.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: 'weather',
            description: WEATHER_TOOL.description,
            parametersJsonSchema: WEATHER_TOOL.parameters,
          },
        ],
      },
    ]);
  });

  it('sends calls back as functionCall parts with their signature and results as functionResponse', async () => {
    let sent: { contents?: unknown } = {};
    nock(GOOGLE)
      .post(PATH, (b: typeof sent) => ((sent = b), true))
      .query({ alt: 'sse' })
      .reply(200, geminiSse('google-text.chunks.txt'), SSE);
    await collect([
      { role: 'user', content: "What's the weather in Lisbon?" },
      {
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: 'call_1', name: 'weather', argsJson: '{"location":"Lisbon"}', signature: 'sig-1' },
          { id: 'call_2', name: 'current_time', argsJson: '{}' },
        ],
      },
      { role: 'tool', toolCallId: 'call_1', name: 'weather', content: '{"temperatureC":18}' },
      { role: 'tool', toolCallId: 'call_2', name: 'current_time', content: '"13:45"' },
    ]);
    expect(sent.contents).toEqual([
      { role: 'user', parts: [{ text: "What's the weather in Lisbon?" }] },
      {
        role: 'model',
        parts: [
          {
            functionCall: { name: 'weather', args: { location: 'Lisbon' } },
            thoughtSignature: 'sig-1',
          },
          { functionCall: { name: 'current_time', args: {} } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'weather', response: { temperatureC: 18 } } },
          { functionResponse: { name: 'current_time', response: { result: '13:45' } } },
        ],
      },
    ]);
  });

  it('maps an invalid key (400) to a non-retryable error', async () => {
    nock(GOOGLE)
      .post(PATH)
      .query(true)
      .reply(400, fixtureText('google-error-400.json'), JSON_HEADERS);
    const { error } = await collect(hi);
    expect(error).toMatchObject({ retryable: false, status: 400 });
    expect(error?.message).toContain('API key not valid');
  });

  it('maps 429 to retryable and reads the wait from RetryInfo', async () => {
    nock(GOOGLE)
      .post(PATH)
      .query(true)
      .reply(429, fixtureText('google-error-429.json'), JSON_HEADERS);
    const { error } = await collect(hi);
    expect(error).toMatchObject({ retryable: true, status: 429, retryAfterMs: 38_000 });
  });

  it('prefers a Retry-After header when there is one', async () => {
    nock(GOOGLE)
      .post(PATH)
      .query(true)
      .reply(503, fixtureText('google-error-503.json'), { ...JSON_HEADERS, 'retry-after': '2' });
    const { error } = await collect(hi);
    expect(error).toMatchObject({ retryable: true, status: 503, retryAfterMs: 2000 });
  });

  it('treats a refused connection as retryable', async () => {
    nock(GOOGLE).post(PATH).query(true).replyWithError(connectionRefused());
    const { error } = await collect(hi);
    expect(error?.retryable).toBe(true);
  });

  it('reports a stream without a finishReason (cut off) as retryable', async () => {
    const cut = geminiSse('google-text.chunks.txt').split('\r\n\r\n').slice(0, 2).join('\r\n\r\n');
    nock(GOOGLE).post(PATH).query(true).reply(200, `${cut}\r\n\r\n`, SSE);
    const { chunks, error } = await collect(hi);
    expect(textOf(chunks)).toBe('Hello! How can I help you today?');
    expect(error).toMatchObject({ retryable: true });
  });

  it('reports garbage in the stream as a non-retryable malformed stream', async () => {
    nock(GOOGLE).post(PATH).query(true).reply(200, 'data: {"candidates":[{"content":\r\n\r\n', SSE);
    const { error } = await collect(hi);
    expect(error).toMatchObject({ retryable: false, status: undefined });
    expect(error?.message).toMatch(/malformed/i);
  });

  it('reports an error object inside the stream with its status', async () => {
    const body = `data: ${JSON.stringify({ error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } })}\r\n\r\n`;
    nock(GOOGLE).post(PATH).query(true).reply(200, body, SSE);
    const { error } = await collect(hi);
    expect(error).toMatchObject({ retryable: true, status: 503 });
  });
});
