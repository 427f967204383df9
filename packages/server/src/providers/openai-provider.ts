import OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type {
  ChatMessage,
  ChatProvider,
  FinishReason,
  ProviderChunk,
  ProviderRequest,
  TokenUsage,
} from './provider.js';
import { ProviderError } from './provider.js';
import { endedEarly, retryAfterMs, statusError, thrownError } from './provider-errors.js';

export interface OpenAIProviderOptions {
  /** Registry id: `openai`, or the name of an OpenAI-compatible endpoint (`ollama`, `openrouter`, …). */
  id?: string;
  /** Local servers (Ollama, vLLM, LM Studio) often need none: no Authorization header is sent. */
  apiKey?: string | null;
  baseURL?: string;
  /** Time allowed until the response headers arrive; the agent handles first-token budgets. */
  timeoutMs?: number;
}

/**
 * OpenAI Chat Completions via the official SDK. Also the adapter for every
 * OpenAI-compatible server: a different id, base URL and (optional) key.
 */
export class OpenAIProvider implements ChatProvider {
  readonly id: string;
  readonly offline = false;
  private readonly client: OpenAI;

  constructor(opts: OpenAIProviderOptions) {
    this.id = opts.id ?? 'openai';
    // Retries are the agent's job (failover), never a silent re-send of a stream.
    this.client = new OpenAI({
      // The SDK insists on a key; without one, the header is removed below.
      apiKey: opts.apiKey || 'unused',
      ...(opts.apiKey ? {} : { defaultHeaders: { authorization: null } }),
      baseURL: opts.baseURL,
      // OPENAI_ORG_ID / OPENAI_PROJECT_ID from the environment are for OpenAI only,
      // never sent to a third-party compatible endpoint.
      ...(this.id === 'openai' ? {} : { organization: null, project: null }),
      maxRetries: 0,
      timeout: opts.timeoutMs ?? 60_000,
      // Failures reach the agent's log as ProviderErrors; the SDK must not print to stderr.
      logLevel: 'off',
    });
  }

  async *stream(req: ProviderRequest): AsyncIterable<ProviderChunk> {
    let stream: AsyncIterable<ChatCompletionChunk>;
    try {
      stream = await this.client.chat.completions.create(
        {
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
        { signal: req.signal },
      );
    } catch (err) {
      throw toProviderError(err, this.id);
    }
    yield* this.readStream(stream);
  }

  private async *readStream(
    stream: AsyncIterable<ChatCompletionChunk>,
  ): AsyncIterable<ProviderChunk> {
    const calls = new Map<number, { id: string; name: string; args: string }>();
    let finish: FinishReason | null = null;
    let usage: TokenUsage | null = null;
    try {
      for await (const chunk of stream) {
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
    } catch (err) {
      throw toProviderError(err, this.id);
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

export function toProviderError(err: unknown, vendor = 'openai'): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof OpenAI.APIUserAbortError) {
    return new ProviderError('Request aborted', false, undefined, undefined, { cause: err });
  }
  if (err instanceof OpenAI.APIConnectionError) {
    return new ProviderError(`${vendor} unreachable: ${err.message}`, true, undefined, undefined, {
      cause: err,
    });
  }
  if (err instanceof OpenAI.APIError) {
    // No status: an `error` object inside a 200 stream, i.e. the server gave up mid-answer.
    if (err.status === undefined) {
      return new ProviderError(
        `${vendor} failed mid-stream: ${err.message}`,
        true,
        undefined,
        retryAfterMs(err.headers),
        { cause: err },
      );
    }
    return statusError(vendor, err.status, err.headers, err.message, err);
  }
  return thrownError(vendor, err);
}
