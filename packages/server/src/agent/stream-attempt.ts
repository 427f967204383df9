import type {
  ChatProvider,
  FinishReason,
  ProviderChunk,
  ProviderRequest,
  TokenUsage,
  ToolCallRequest,
} from '../providers/provider.js';
import { ProviderError } from '../providers/provider.js';

/** One call to one provider, read to its end. */
export interface AttemptResult {
  text: string;
  toolCalls: ToolCallRequest[];
  usage: TokenUsage | null;
  finishReason: FinishReason | null;
  /** A chunk arrived: from here on, failing over would mix two models' answers. */
  started: boolean;
  /** The caller's signal fired (user cancel, disconnect, shutdown). */
  cancelled: boolean;
  /** Why the attempt failed; null when it finished or was cancelled. */
  error: ProviderError | null;
}

export interface AttemptHooks {
  /** Called once, on the first chunk. */
  onStart(): void;
  onText(delta: string): void;
}

/**
 * Streams one provider call. The first chunk must arrive within
 * `firstChunkTimeoutMs`, else the call is aborted and reported as a
 * retryable failure so the agent can try the next model. The per-chunk path
 * after that is a plain `await next()`: no timers, no allocations beyond the
 * provider's own.
 */
export async function streamAttempt(
  provider: ChatProvider,
  request: Omit<ProviderRequest, 'signal'>,
  signal: AbortSignal,
  firstChunkTimeoutMs: number,
  hooks: AttemptHooks,
): Promise<AttemptResult> {
  const result: AttemptResult = {
    text: '',
    toolCalls: [],
    usage: null,
    finishReason: null,
    started: false,
    cancelled: false,
    error: null,
  };
  // Our own controller, so a first-token timeout can abort this call alone.
  const controller = new AbortController();
  const forward = (): void => controller.abort(signal.reason);
  signal.addEventListener('abort', forward, { once: true });
  let timer: NodeJS.Timeout | undefined;
  let it: AsyncIterator<ProviderChunk> | undefined;
  let exhausted = false;
  try {
    if (signal.aborted) {
      result.cancelled = true;
      return result;
    }
    it = provider.stream({ ...request, signal: controller.signal })[Symbol.asyncIterator]();
    const first = await Promise.race([
      it.next(),
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(resolve, firstChunkTimeoutMs, 'timeout');
      }),
    ]);
    clearTimeout(timer);
    if (first === 'timeout') {
      controller.abort(new Error('first-token timeout'));
      result.error = new ProviderError(
        `${provider.id} sent nothing within ${firstChunkTimeoutMs} ms`,
        true,
      );
      return result;
    }
    for (let r = first; ; r = await it.next()) {
      if (r.done) {
        exhausted = true;
        break;
      }
      const chunk = r.value;
      if (!result.started) {
        result.started = true;
        hooks.onStart();
      }
      switch (chunk.type) {
        case 'text':
          result.text += chunk.text;
          hooks.onText(chunk.text);
          break;
        case 'tool-call':
          result.toolCalls.push(chunk.call);
          break;
        case 'finish':
          result.finishReason = chunk.reason;
          result.usage = chunk.usage;
          result.cancelled = signal.aborted;
          return result;
      }
    }
    if (signal.aborted) result.cancelled = true;
    else result.error = new ProviderError(`${provider.id} stream ended without finishing`, true);
    return result;
  } catch (err) {
    if (signal.aborted) result.cancelled = true;
    else
      result.error =
        err instanceof ProviderError
          ? err
          : new ProviderError(String(err), false, undefined, undefined, { cause: err });
    return result;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', forward);
    // Like leaving a for-await early: close the provider's stream (and its HTTP request).
    // Not awaited: after a timeout its next() may still be pending until the abort lands.
    if (it && !exhausted) void Promise.resolve(it.return?.()).catch(() => {});
  }
}
