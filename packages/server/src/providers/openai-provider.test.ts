import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  OPENAI,
  SSE_HEADERS,
  fixtureHeaders,
  fixtureText,
  collectChunks,
  isolateNetwork,
  textOf,
  WEATHER_TOOL,
  openaiSse,
  connectionRefused,
} from '../../test/helpers/provider-fixtures.js';
import { OpenAIProvider } from './openai-provider.js';
import type { ChatMessage, ToolSpec } from './provider.js';

const CALCULATOR: ToolSpec = {
  name: 'calculator',
  description: 'Evaluates a math expression',
  parameters: { type: 'object', properties: { expression: { type: 'string' } } },
};

const collect = (provider: OpenAIProvider, messages: ChatMessage[], tools?: ToolSpec[]) =>
  collectChunks(provider, 'gpt-4o-mini', messages, tools);

let restore: () => void;
beforeEach(() => {
  restore = isolateNetwork();
});
afterEach(() => restore());

const openai = (): OpenAIProvider => new OpenAIProvider({ apiKey: 'sk-test' });
const hi: ChatMessage[] = [{ role: 'user', content: 'Hi there!' }];

describe('OpenAIProvider', () => {
  it('streams text, then finish with usage, from a recorded stream', async () => {
    let sent: Record<string, unknown> = {};
    let auth: string | undefined;
    nock(OPENAI)
      .post('/v1/chat/completions', (b: Record<string, unknown>) => ((sent = b), true))
      .reply(function () {
        auth = this.req.headers.authorization;
        return [
          200,
          openaiSse('openai-text.chunks.txt'),
          { ...fixtureHeaders('openai', 200), ...SSE_HEADERS },
        ];
      });
    const { chunks, error } = await collect(openai(), hi);
    expect(error).toBeNull();
    expect(textOf(chunks)).toBe('Hello! How can I help you today?');
    expect(chunks.at(-1)).toEqual({
      type: 'finish',
      reason: 'stop',
      usage: { inputTokens: 9, outputTokens: 9 },
    });
    expect(sent).toMatchObject({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi there!' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(sent.tools).toBeUndefined();
    expect(auth).toBe('Bearer sk-test');
  });

  it('assembles a streamed tool call and sends the tool definitions', async () => {
    let sent: { tools?: unknown[] } = {};
    nock(OPENAI)
      .post('/v1/chat/completions', (b: typeof sent) => ((sent = b), true))
      .reply(200, openaiSse('openai-tool-call.chunks.txt'), SSE_HEADERS);
    const { chunks } = await collect(
      openai(),
      [{ role: 'user', content: "What's the weather in Lisbon?" }],
      [WEATHER_TOOL],
    );
    const calls = chunks.filter((c) => c.type === 'tool-call');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      call: { id: 'call_45MeOYGbZCdf4xScnnKICwZX', name: 'weather' },
    });
    expect(JSON.parse((calls[0] as { call: { argsJson: string } }).call.argsJson)).toEqual({
      location: 'Lisbon',
    });
    expect(chunks.at(-1)).toEqual({
      type: 'finish',
      reason: 'tool_calls',
      usage: { inputTokens: 58, outputTokens: 15 },
    });
    expect(sent.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'weather',
          description: WEATHER_TOOL.description,
          parameters: WEATHER_TOOL.parameters,
        },
      },
    ]);
  });

  it('keeps parallel tool calls apart, in order', async () => {
    nock(OPENAI)
      .post('/v1/chat/completions')
      .reply(200, openaiSse('openai-parallel-tool-calls.chunks.txt'), SSE_HEADERS);
    const { chunks } = await collect(openai(), hi, [WEATHER_TOOL, CALCULATOR]);
    const calls = chunks.flatMap((c) => (c.type === 'tool-call' ? [c.call] : []));
    expect(calls.map((c) => [c.id, c.name, JSON.parse(c.argsJson)])).toEqual([
      ['call_09GepwzUsBWSJb1QRrm8EL16', 'weather', { location: 'Lisbon' }],
      ['call_Up2VooZATbBhPN7qFYUhUSuQ', 'calculator', { expression: '(3+4)*12 km to miles' }],
    ]);
    expect(chunks.at(-1)).toMatchObject({
      reason: 'tool_calls',
      usage: { inputTokens: 96, outputTokens: 57 },
    });
  });

  it('sends an earlier tool call and its result back in OpenAI form', async () => {
    let sent: { messages?: unknown[] } = {};
    nock(OPENAI)
      .post('/v1/chat/completions', (b: typeof sent) => ((sent = b), true))
      .reply(200, openaiSse('openai-after-tool.chunks.txt'), SSE_HEADERS);
    const { chunks } = await collect(openai(), [
      { role: 'user', content: "What's the weather in Lisbon?" },
      {
        role: 'assistant',
        content: '',
        toolCalls: [
          {
            id: 'call_45MeOYGbZCdf4xScnnKICwZX',
            name: 'weather',
            argsJson: '{"location":"Lisbon"}',
          },
        ],
      },
      {
        role: 'tool',
        toolCallId: 'call_45MeOYGbZCdf4xScnnKICwZX',
        name: 'weather',
        content: '{"temperatureC":18}',
      },
    ]);
    expect(sent.messages).toEqual([
      { role: 'user', content: "What's the weather in Lisbon?" },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_45MeOYGbZCdf4xScnnKICwZX',
            type: 'function',
            function: { name: 'weather', arguments: '{"location":"Lisbon"}' },
          },
        ],
      },
      {
        role: 'tool',
        tool_call_id: 'call_45MeOYGbZCdf4xScnnKICwZX',
        content: '{"temperatureC":18}',
      },
    ]);
    expect(textOf(chunks)).toBe(
      'It is 18°C and sunny in Lisbon right now, with a light breeze from the northwest.',
    );
  });

  it('maps 401 to a non-retryable error', async () => {
    nock(OPENAI)
      .post('/v1/chat/completions')
      .reply(401, fixtureText('openai-error-401.json'), fixtureHeaders('openai', 401));
    const { error } = await collect(openai(), hi);
    expect(error).toMatchObject({ retryable: false, status: 401 });
  });

  it('maps 429 to retryable and keeps Retry-After', async () => {
    nock(OPENAI)
      .post('/v1/chat/completions')
      .reply(429, fixtureText('openai-error-429.json'), fixtureHeaders('openai', 429));
    const { error } = await collect(openai(), hi);
    expect(error).toMatchObject({ retryable: true, status: 429, retryAfterMs: 1000 });
  });

  it('maps 500 to retryable', async () => {
    nock(OPENAI)
      .post('/v1/chat/completions')
      .reply(500, fixtureText('openai-error-500.json'), fixtureHeaders('openai', 500));
    const { error } = await collect(openai(), hi);
    expect(error).toMatchObject({ retryable: true, status: 500 });
  });

  it('treats a refused connection as retryable', async () => {
    nock(OPENAI).post('/v1/chat/completions').replyWithError(connectionRefused());
    const { error } = await collect(openai(), hi);
    expect(error?.retryable).toBe(true);
  });

  it('reports a stream cut off before its end as retryable, after the text it got', async () => {
    nock(OPENAI)
      .post('/v1/chat/completions')
      .reply(200, openaiSse('openai-truncated.chunks.txt', { done: false }), SSE_HEADERS);
    const { chunks, error } = await collect(openai(), hi);
    expect(textOf(chunks)).not.toBe('');
    expect('Hello! How can I help you today?'.startsWith(textOf(chunks))).toBe(true);
    expect(chunks.some((c) => c.type === 'finish')).toBe(false);
    expect(error).toMatchObject({ retryable: true });
  });

  it('reports garbage in the stream as a non-retryable malformed stream', async () => {
    nock(OPENAI)
      .post('/v1/chat/completions')
      .reply(
        200,
        'data: {"id":"chatcmpl-x","choices":[{"delta":{"content":"Hel\n\ndata: <html>oops</html>\n\n',
        SSE_HEADERS,
      );
    const { error } = await collect(openai(), hi);
    expect(error).toMatchObject({ retryable: false, status: undefined });
    expect(error?.message).toMatch(/malformed/i);
  });

  it('talks to an OpenAI-compatible server without a key and without an Authorization header', async () => {
    let auth: string | undefined = 'unset';
    nock('http://ollama.test:11434')
      .post('/v1/chat/completions')
      .reply(function () {
        auth = this.req.headers.authorization;
        return [200, openaiSse('openai-text.chunks.txt'), SSE_HEADERS];
      });
    const ollama = new OpenAIProvider({ id: 'ollama', baseURL: 'http://ollama.test:11434/v1' });
    expect(ollama.id).toBe('ollama');
    const { chunks } = await collect(ollama, hi);
    expect(textOf(chunks)).toBe('Hello! How can I help you today?');
    expect(auth).toBeUndefined();
  });
});
