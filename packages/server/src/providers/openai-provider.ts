import type {
  ChatCompletionChunk,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { postForSse } from './http-sse-post.js';
import type {
  ChatMessage,
  ChatProvider,
  FinishReason,
  ProviderChunk,
  ProviderRequest,
  TokenUsage,
} from './provider.js';
import { ProviderError } from './provider.js';
import { endedEarly, malformed } from './provider-errors.js';

export interface OpenAIProviderOptions {
  /** Registry id: `openai`, or the name of an OpenAI-compatible endpoint (`ollama`, `openrouter`, …). */
  id?: string;
  /** Local servers (Ollama, vLLM, LM Studio) often need none: no Authorization header is sent. */
  apiKey?: string | null;
  baseURL?: string;
}

const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/**
 * OpenAI Chat Completions, streamed. Also the adapter for every
 * OpenAI-compatible server: a different id, base URL and (optional) key.
 * The request and the SSE answer go straight over node:http (see
 * http-sse-post.ts); the `openai` package only lends its wire types.
 * Retries are the agent's job (failover), never a silent re-send of a stream.
 */
export class OpenAIProvider implements ChatProvider {
  readonly id: string;
  readonly offline = false;
  private readonly url: string;
  private readonly headers: Record<string, string>;

  constructor(opts: OpenAIProviderOptions) {
    this.id = opts.id ?? 'openai';
    this.url = `${(opts.baseURL ?? OPENAI_BASE_URL).replace(/\/+$/, '')}/chat/completions`;
    this.headers = opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {};
  }

  async *stream(req: ProviderRequest): AsyncIterable<ProviderChunk> {
    const data = postForSse({
      vendor: this.id,
      url: this.url,
      headers: this.headers,
      signal: req.signal,
      body: {
        model: req.model,
        messages: req.messages.map(toOpenAIMessage),
        stream: true,
        stream_options: { include_usage: true },
        ...(req.maxOutputTokens ? { max_completion_tokens: req.maxOutputTokens } : {}),
        ...(req.tools?.length
          ? {
              tools: req.tools.map((t) => ({
                type: 'function' as const,
                function: { name: t.name, description: t.description, parameters: t.parameters },
              })),
            }
          : {}),
      },
    });
    yield* this.readStream(data);
  }

  private async *readStream(data: AsyncIterable<string>): AsyncIterable<ProviderChunk> {
    const calls = new Map<number, { id: string; name: string; args: string }>();
    let finish: FinishReason | null = null;
    let usage: TokenUsage | null = null;
    for await (const line of data) {
      if (line === '[DONE]') break;
      const chunk = this.parse(line);
      const choice = chunk.choices?.[0];
      if (choice) {
        const delta = choice.delta;
        if (delta?.content) yield { type: 'text', text: delta.content };
        for (const tc of delta?.tool_calls ?? []) {
          const entry = calls.get(tc.index) ?? { id: '', name: '', args: '' };
          if (tc.id) entry.id = tc.id;
          if (tc.function?.name) entry.name += tc.function.name;
          if (tc.function?.arguments) entry.args += tc.function.arguments;
          calls.set(tc.index, entry);
        }
        if (choice.finish_reason) finish = mapFinish(choice.finish_reason);
      }
      if (chunk.usage) {
        usage = {
          inputTokens: chunk.usage.prompt_tokens,
          outputTokens: chunk.usage.completion_tokens,
        };
        // With include_usage the usage-only chunk is the last one; don't wait for [DONE].
        // (Some compatible servers put usage on every chunk, hence the finish check.)
        if (finish !== null && !choice) break;
      }
    }
    if (finish === null) throw endedEarly(this.id);
    let i = 0;
    for (const c of calls.values()) {
      // Some compatible servers omit call ids; the tool loop needs one to pair results.
      const id = c.id || `call_${Date.now().toString(36)}_${i++}`;
      yield { type: 'tool-call', call: { id, name: c.name, argsJson: c.args || '{}' } };
    }
    yield { type: 'finish', reason: finish, usage };
  }

  /** One `data:` payload: a chunk, or an `error` the server sent instead of ending the stream. */
  private parse(line: string): ChatCompletionChunk {
    let chunk: ChatCompletionChunk & { error?: { message?: string } };
    try {
      chunk = JSON.parse(line) as typeof chunk;
    } catch (err) {
      throw malformed(this.id, 'a data line is not JSON', err);
    }
    if (chunk.error) {
      throw new ProviderError(
        `${this.id} failed mid-stream: ${chunk.error.message ?? 'unknown error'}`,
        { retryable: true },
      );
    }
    return chunk;
  }
}

function mapFinish(reason: string): FinishReason {
  switch (reason) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default:
      return 'other';
  }
}

function toOpenAIMessage(m: ChatMessage): ChatCompletionMessageParam {
  switch (m.role) {
    case 'system':
    case 'user':
      return { role: m.role, content: m.content };
    case 'assistant':
      return {
        role: 'assistant',
        content: m.content || null,
        ...(m.toolCalls?.length
          ? {
              tool_calls: m.toolCalls.map((c) => ({
                id: c.id,
                type: 'function' as const,
                function: { name: c.name, arguments: c.argsJson },
              })),
            }
          : {}),
      };
    case 'tool':
      return { role: 'tool', tool_call_id: m.toolCallId, content: m.content };
  }
}
