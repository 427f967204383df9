import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ANTHROPIC,
  SSE_HEADERS,
  anthropicSse,
  fixtureHeaders,
  fixtureText,
  collectChunks,
  isolateNetwork,
  textOf,
  WEATHER_TOOL,
} from '../../test/helpers/provider-fixtures.js';
import { AnthropicProvider } from './anthropic-provider.js';
import type { ChatMessage, ToolSpec } from './provider.js';

const MODEL = 'claude-sonnet-4-5-20250929';

const collect = (messages: ChatMessage[], tools?: ToolSpec[]) =>
  collectChunks(new AnthropicProvider({ apiKey: 'sk-ant-test' }), MODEL, messages, tools);

const hi: ChatMessage[] = [
  { role: 'system', content: 'You are Parley.' },
  { role: 'user', content: 'Hi there!' },
];

let restore: () => void;
beforeEach(() => {
  restore = isolateNetwork();
});
afterEach(() => restore());

describe('AnthropicProvider', () => {
  it('streams text with the system prompt at the top level, and reports usage', async () => {
    let sent: Record<string, unknown> = {};
    let headers: Record<string, unknown> = {};
    nock(ANTHROPIC)
      .post('/v1/messages', (b: Record<string, unknown>) => ((sent = b), true))
      .reply(function () {
        headers = this.req.headers;
        return [200, anthropicSse('anthropic-text.chunks.txt'), SSE_HEADERS];
      });
    const { chunks, error } = await collect(hi);
    expect(error).toBeNull();
    expect(textOf(chunks)).toBe('Hello! How can I help you today?');
    // input from message_start, output from the cumulative message_delta.
    expect(chunks.at(-1)).toEqual({
      type: 'finish',
      reason: 'stop',
      usage: { inputTokens: 10, outputTokens: 12 },
    });
    expect(sent).toEqual({
      model: MODEL,
      max_tokens: 4096,
      system: 'You are Parley.',
      messages: [{ role: 'user', content: 'Hi there!' }],
      stream: true,
    });
    // The SDK sends the key as x-api-key or as a bearer token, depending on its version.
    expect(`${String(headers['x-api-key'])} ${String(headers.authorization)}`).toContain(
      'sk-ant-test',
    );
    expect(headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('assembles tool_use input from input_json_delta fragments', async () => {
    let sent: { tools?: unknown } = {};
    nock(ANTHROPIC)
      .post('/v1/messages', (b: typeof sent) => ((sent = b), true))
      .reply(200, anthropicSse('anthropic-tool-use.chunks.txt'), SSE_HEADERS);
    const { chunks } = await collect(
      [{ role: 'user', content: "What's the weather in Lisbon?" }],
      [WEATHER_TOOL],
    );
    expect(textOf(chunks)).toBe("I'll check the current weather in Lisbon for you.");
    const calls = chunks.flatMap((c) => (c.type === 'tool-call' ? [c.call] : []));
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ id: 'toolu_01Vriv7B6hUkaHm8uHqLdLbh', name: 'weather' });
    expect(JSON.parse(calls[0]!.argsJson)).toEqual({ location: 'Lisbon' });
    expect(chunks.at(-1)).toEqual({
      type: 'finish',
      reason: 'tool_calls',
      usage: { inputTokens: 604, outputTokens: 66 },
    });
    expect(sent.tools).toEqual([
      {
        name: 'weather',
        description: WEATHER_TOOL.description,
        input_schema: WEATHER_TOOL.parameters,
      },
    ]);
  });

  it('sends tool calls as tool_use blocks and all their results in one user turn', async () => {
    let sent: { messages?: unknown } = {};
    nock(ANTHROPIC)
      .post('/v1/messages', (b: typeof sent) => ((sent = b), true))
      .reply(200, anthropicSse('anthropic-text.chunks.txt'), SSE_HEADERS);
    await collect([
      { role: 'user', content: 'Weather in Lisbon, and 2+2?' },
      {
        role: 'assistant',
        content: 'Checking.',
        toolCalls: [
          { id: 'toolu_a', name: 'weather', argsJson: '{"location":"Lisbon"}' },
          { id: 'toolu_b', name: 'calculator', argsJson: '{"expression":"2+2"}' },
        ],
      },
      { role: 'tool', toolCallId: 'toolu_a', name: 'weather', content: '{"temperatureC":18}' },
      {
        role: 'tool',
        toolCallId: 'toolu_b',
        name: 'calculator',
        content: 'division by zero',
        isError: true,
      },
    ]);
    expect(sent.messages).toEqual([
      { role: 'user', content: 'Weather in Lisbon, and 2+2?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_a', name: 'weather', input: { location: 'Lisbon' } },
          { type: 'tool_use', id: 'toolu_b', name: 'calculator', input: { expression: '2+2' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_a', content: '{"temperatureC":18}' },
          {
            type: 'tool_result',
            tool_use_id: 'toolu_b',
            content: 'division by zero',
            is_error: true,
          },
        ],
      },
    ]);
  });

  it('maps 401 to a non-retryable error', async () => {
    nock(ANTHROPIC)
      .post('/v1/messages')
      .reply(401, fixtureText('anthropic-error-401.json'), fixtureHeaders('anthropic', 401));
    const { error } = await collect(hi);
    expect(error).toMatchObject({ retryable: false, status: 401 });
  });

  it('maps 429 to retryable and keeps Retry-After', async () => {
    nock(ANTHROPIC)
      .post('/v1/messages')
      .reply(429, fixtureText('anthropic-error-429.json'), fixtureHeaders('anthropic', 429));
    const { error } = await collect(hi);
    expect(error).toMatchObject({ retryable: true, status: 429, retryAfterMs: 21_000 });
  });

  it('maps 529 overloaded to retryable', async () => {
    nock(ANTHROPIC)
      .post('/v1/messages')
      .reply(529, fixtureText('anthropic-error-529.json'), fixtureHeaders('anthropic', 529));
    const { error } = await collect(hi);
    expect(error).toMatchObject({ retryable: true, status: 529 });
  });

  it('surfaces an overloaded error event mid-stream after the text it sent', async () => {
    nock(ANTHROPIC)
      .post('/v1/messages')
      .reply(200, anthropicSse('anthropic-error-midstream.chunks.txt'), SSE_HEADERS);
    const { chunks, error } = await collect(hi);
    expect(textOf(chunks)).toBe('Hello! How');
    expect(error).toMatchObject({ retryable: true });
    expect(error?.message).toMatch(/overloaded/);
  });

  it('reports a stream cut off before message_stop as retryable', async () => {
    const cut = anthropicSse('anthropic-text.chunks.txt').split('event: content_block_stop')[0]!;
    nock(ANTHROPIC).post('/v1/messages').reply(200, cut, SSE_HEADERS);
    const { chunks, error } = await collect(hi);
    expect(textOf(chunks)).toBe('Hello! How can I help you today?');
    expect(error).toMatchObject({ retryable: true });
  });

  it('reports garbage in the stream as a non-retryable malformed stream', async () => {
    const body =
      anthropicSse('anthropic-text.chunks.txt').split('event: ping')[0]! +
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"ty\n\n';
    nock(ANTHROPIC).post('/v1/messages').reply(200, body, SSE_HEADERS);
    const { error } = await collect(hi);
    expect(error).toMatchObject({ retryable: false, status: undefined });
    expect(error?.message).toMatch(/malformed/i);
  });
});
