import type Anthropic from '@anthropic-ai/sdk';
import type * as AnthropicModule from '@anthropic-ai/sdk';
import type {
  RawMessageStreamEvent,
  StopReason,
  Tool,
} from '@anthropic-ai/sdk/resources/messages/messages';
import { toAnthropicMessages } from './anthropic-messages.js';
import type { ChatProvider, FinishReason, ProviderChunk, ProviderRequest } from './provider.js';
import { ProviderError } from './provider.js';
import { endedEarly, retryAfterMs, statusError, thrownError } from './provider-errors.js';

export interface AnthropicProviderOptions {
  apiKey: string;
  baseURL?: string;
  /** Time allowed until the response headers arrive; the agent handles first-token budgets. */
  timeoutMs?: number;
  /** Anthropic requires `max_tokens`; used when the request sets none. */
  defaultMaxTokens?: number;
}

/** Anthropic Messages API (streaming) via the official SDK. */
export class AnthropicProvider implements ChatProvider {
  readonly id = 'anthropic';
  readonly offline = false;
  private client: Anthropic | null = null;
  private readonly maxTokens: number;

  constructor(private readonly opts: AnthropicProviderOptions) {
    this.maxTokens = opts.defaultMaxTokens ?? 4096;
  }

  /** The SDK (~20 MB resident) loads on first use, not in servers that never call it. */
  private async sdkClient(): Promise<Anthropic> {
    if (this.client) return this.client;
    const { default: AnthropicSdk } = await loadAnthropicSdk();
    // Retries are the agent's job (failover), never a silent re-send of a stream.
    this.client = new AnthropicSdk({
      apiKey: this.opts.apiKey,
      baseURL: this.opts.baseURL ?? 'https://api.anthropic.com',
      maxRetries: 0,
      timeout: this.opts.timeoutMs ?? 60_000,
      logLevel: 'off',
    });
    return this.client;
  }

  async *stream(req: ProviderRequest): AsyncIterable<ProviderChunk> {
    const { system, messages } = toAnthropicMessages(req.messages);
    let stream: AsyncIterable<RawMessageStreamEvent>;
    const client = await this.sdkClient();
    try {
      stream = await client.messages.create(
        {
          model: req.model,
          max_tokens: req.maxOutputTokens ?? this.maxTokens,
          messages,
          ...(system ? { system } : {}),
          ...(req.tools?.length
            ? {
                tools: req.tools.map((t): Tool => ({
                  name: t.name,
                  description: t.description,
                  input_schema: t.parameters as Tool.InputSchema,
                })),
              }
            : {}),
          stream: true,
        },
        { signal: req.signal },
      );
    } catch (err) {
      throw toProviderError(err);
    }
    yield* readStream(stream);
  }
}

async function* readStream(
  stream: AsyncIterable<RawMessageStreamEvent>,
): AsyncIterable<ProviderChunk> {
  const tools = new Map<number, { id: string; name: string; args: string }>();
  let inputTokens = 0;
  let outputTokens = 0;
  let reason: FinishReason = 'stop';
  try {
    for await (const ev of stream) {
      switch (ev.type) {
        case 'message_start': {
          const u = ev.message.usage;
          // Cached prompt tokens are prompt tokens too (billed at a discount, counted here in full).
          inputTokens =
            u.input_tokens +
            (u.cache_creation_input_tokens ?? 0) +
            (u.cache_read_input_tokens ?? 0);
          outputTokens = u.output_tokens;
          break;
        }
        case 'content_block_start': {
          const b = ev.content_block;
          if (b.type === 'text' && b.text) yield { type: 'text', text: b.text };
          else if (b.type === 'tool_use') tools.set(ev.index, { id: b.id, name: b.name, args: '' });
          break;
        }
        case 'content_block_delta': {
          const d = ev.delta;
          if (d.type === 'text_delta') {
            if (d.text) yield { type: 'text', text: d.text };
          } else if (d.type === 'input_json_delta') {
            const t = tools.get(ev.index);
            if (t) t.args += d.partial_json;
          }
          break;
        }
        case 'content_block_stop': {
          const t = tools.get(ev.index);
          if (t) {
            tools.delete(ev.index);
            yield { type: 'tool-call', call: { id: t.id, name: t.name, argsJson: t.args || '{}' } };
          }
          break;
        }
        case 'message_delta': {
          // message_delta usage is cumulative for the whole message.
          if (ev.delta.stop_reason) reason = mapStop(ev.delta.stop_reason);
          if (ev.usage.output_tokens != null) outputTokens = ev.usage.output_tokens;
          break;
        }
        case 'message_stop':
          yield { type: 'finish', reason, usage: { inputTokens, outputTokens } };
          return;
      }
    }
  } catch (err) {
    throw toProviderError(err);
  }
  throw endedEarly('anthropic');
}

function mapStop(reason: StopReason): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'other';
  }
}

/** Error `type`s that mean "the service is struggling", sent inside a 200 stream. */
const RETRYABLE_TYPES = new Set([
  'overloaded_error',
  'api_error',
  'rate_limit_error',
  'timeout_error',
]);

type AnthropicSdkModule = typeof AnthropicModule;
let sdkModule: AnthropicSdkModule | null = null;
async function loadAnthropicSdk(): Promise<AnthropicSdkModule> {
  sdkModule ??= await import('@anthropic-ai/sdk');
  return sdkModule;
}

export function toProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  // Only SDK calls produce SDK errors, so the module is loaded whenever one exists.
  const Anthropic = sdkModule?.default;
  if (!Anthropic) return thrownError('anthropic', err);
  if (err instanceof Anthropic.APIUserAbortError) {
    return new ProviderError('Request aborted', { retryable: false, cause: err });
  }
  if (err instanceof Anthropic.APIConnectionError) {
    return new ProviderError(`anthropic unreachable: ${err.message}`, {
      retryable: true,
      cause: err,
    });
  }
  if (err instanceof Anthropic.APIError) {
    if (err.status === undefined) {
      // An `event: error` mid-stream, e.g. overloaded_error after some text.
      return new ProviderError(
        `anthropic failed mid-stream: ${err.type ?? 'error'}: ${err.apiMessage ?? err.message}`,
        {
          retryable: RETRYABLE_TYPES.has(err.type ?? ''),
          retryAfterMs: retryAfterMs(err.headers),
          cause: err,
        },
      );
    }
    return statusError('anthropic', err.status, err.headers, err.apiMessage ?? err.message, err);
  }
  return thrownError('anthropic', err);
}
