/**
 * The provider contract. Adapters (OpenAI, Anthropic, offline, …) implement
 * it; the agent loop only ever sees this file.
 */

export interface ToolCallRequest {
  id: string;
  name: string;
  /** Raw JSON text as the model produced it; validated by the tool runner. */
  argsJson: string;
  /**
   * Opaque vendor token that must travel back with this call in the next
   * request (Gemini's `thoughtSignature`). Keep it when echoing the call.
   */
  signature?: string;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCallRequest[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string; isError?: boolean };

export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ProviderRequest {
  model: string;
  messages: ChatMessage[];
  /**
   * What the turn recalled about the user, as plain texts. Models read it in
   * the system prompt; the offline provider's rules read it here instead.
   */
  recalled?: readonly string[];
  tools?: ToolSpec[];
  maxOutputTokens?: number;
  signal: AbortSignal;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'other';

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export type ProviderChunk =
  | { type: 'text'; text: string }
  | { type: 'tool-call'; call: ToolCallRequest }
  | { type: 'finish'; reason: FinishReason; usage: TokenUsage | null };

export interface ChatProvider {
  /** Registry name used in `provider:model` strings, e.g. `openai`. */
  readonly id: string;
  /** True for the offline provider: answers are not from a model. */
  readonly offline: boolean;
  stream(request: ProviderRequest): AsyncIterable<ProviderChunk>;
}

/**
 * A provider failure. `retryable` failures before the first token let the
 * agent fail over to the next provider in the tenant's chain.
 */
export class ProviderError extends Error {
  readonly retryable: boolean;
  /** The vendor's HTTP status, when the failure was an HTTP answer. */
  readonly status?: number;
  /** The vendor's Retry-After, in milliseconds. */
  readonly retryAfterMs?: number;

  constructor(
    message: string,
    opts: { retryable: boolean; status?: number; retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, { cause: opts.cause });
    this.name = 'ProviderError';
    this.retryable = opts.retryable;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
  }
}
