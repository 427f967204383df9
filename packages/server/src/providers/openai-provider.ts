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
} from './provider.js';
import { ProviderError } from './provider.js';

export interface OpenAIProviderOptions {
  id?: string;
  apiKey: string;
  baseURL?: string;
  /** Time allowed until the response headers arrive; the agent handles first-token budgets. */
  timeoutMs?: number;
}

/** OpenAI Chat Completions (and any compatible server) via the official SDK. */
export class OpenAIProvider implements ChatProvider {
  readonly id: string;
  readonly offline = false;
  private readonly client: OpenAI;

  constructor(opts: OpenAIProviderOptions) {
    this.id = opts.id ?? 'openai';
    // Retries are the agent's job (failover), never a silent re-send of a stream.
    this.client = new OpenAI({
      apiKey: opts.apiKey,
      baseURL: opts.baseURL,
      maxRetries: 0,
      timeout: opts.timeoutMs ?? 60_000,
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
      throw toProviderError(err);
    }
    yield* this.readStream(stream);
  }

  private async *readStream(
    stream: AsyncIterable<ChatCompletionChunk>,
  ): AsyncIterable<ProviderChunk> {
    const calls = new Map<number, { id: string; name: string; args: string }>();
    let finish: FinishReason | null = null;
    try {
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
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
          // include_usage: the usage chunk is the last one.
          for (const c of calls.values()) {
            yield { type: 'tool-call', call: { id: c.id, name: c.name, argsJson: c.args || '{}' } };
          }
          calls.clear();
          yield {
            type: 'finish',
            reason: finish ?? 'stop',
            usage: {
              inputTokens: chunk.usage.prompt_tokens,
              outputTokens: chunk.usage.completion_tokens,
            },
          };
          return;
        }
      }
    } catch (err) {
      throw toProviderError(err);
    }
    if (finish === null) throw new ProviderError('OpenAI stream ended before it finished', true);
    for (const c of calls.values()) {
      yield { type: 'tool-call', call: { id: c.id, name: c.name, argsJson: c.args || '{}' } };
    }
    yield { type: 'finish', reason: finish, usage: null };
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

export function toProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof OpenAI.APIUserAbortError) {
    return new ProviderError('Request aborted', false, undefined, undefined, { cause: err });
  }
  if (err instanceof OpenAI.APIConnectionError) {
    return new ProviderError(`Provider unreachable: ${err.message}`, true, undefined, undefined, {
      cause: err,
    });
  }
  if (err instanceof OpenAI.APIError) {
    const status = err.status;
    const retryAfter = Number(err.headers?.get?.('retry-after'));
    const retryable =
      status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
    return new ProviderError(
      `Provider returned ${status ?? 'an error'}: ${err.message}`,
      retryable,
      status,
      Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined,
      { cause: err },
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderError(`Malformed provider stream: ${message}`, false, undefined, undefined, {
    cause: err,
  });
}
