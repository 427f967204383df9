import type { Clock, TimerHandle } from '../clock/clock.js';
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

export interface AttemptTimeouts {
  clock: Clock;
  /** Nothing at all this long after the request: a retryable failure (fail over). */
  firstChunkMs: number;
  /** After the first chunk, a silence this long ends the attempt (the answer is incomplete). */
  idleMs: number;
}

/**
 * Streams one provider call. One watchdog timer guards both timeouts: it is
 * re-armed only when it fires, and each chunk just records the time, so the
 * per-chunk path is a plain `await next()` with no timer churn.
 */
export async function streamAttempt(
  provider: ChatProvider,
  request: Omit<ProviderRequest, 'signal'>,
  signal: AbortSignal,
  timeouts: AttemptTimeouts,
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
  if (signal.aborted) {
    result.cancelled = true;
    return result;
  }
  const { clock } = timeouts;
  // Our own controller, so a timeout can abort this call alone.
  const controller = new AbortController();
  const forward = (): void => controller.abort(signal.reason);
  signal.addEventListener('abort', forward, { once: true });
  let lastChunkAt = clock.now();
  let timedOut: ProviderError | null = null;
  let timer: TimerHandle | undefined;
  const watch = (ms: number): void => {
    timer = clock.setTimeout(() => {
      const limit = result.started ? timeouts.idleMs : timeouts.firstChunkMs;
      const silent = clock.now() - lastChunkAt;
      if (silent < limit) return watch(limit - silent);
      timedOut = result.started
        ? new ProviderError(`${provider.id} went silent for ${limit} ms mid-answer`, {
            retryable: true,
          })
        : new ProviderError(`${provider.id} sent nothing within ${limit} ms`, { retryable: true });
      controller.abort(timedOut);
    }, ms);
  };
  watch(timeouts.firstChunkMs);
  let it: AsyncIterator<ProviderChunk> | undefined;
  let exhausted = false;
  try {
    it = provider.stream({ ...request, signal: controller.signal })[Symbol.asyncIterator]();
    for (;;) {
      const r = await it.next();
      if (r.done) {
        exhausted = true;
        break;
      }
      // A provider that still yields after its abort: what it says now is not read.
      if (controller.signal.aborted) break;
      lastChunkAt = clock.now();
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
    return ended(result, signal, timedOut, provider.id);
  } catch (err) {
    if (timedOut) result.error = timedOut;
    else if (signal.aborted) result.cancelled = true;
    else
      result.error =
        err instanceof ProviderError
          ? err
          : new ProviderError(String(err), { retryable: false, cause: err });
    return result;
  } finally {
    clock.clearTimeout(timer);
    signal.removeEventListener('abort', forward);
    // Like leaving a for-await early: close the provider's stream (and its HTTP request).
    if (it && !exhausted) void Promise.resolve(it.return?.()).catch(() => {});
  }
}

function ended(
  result: AttemptResult,
  signal: AbortSignal,
  timedOut: ProviderError | null,
  id: string,
): AttemptResult {
  if (timedOut) result.error = timedOut;
  else if (signal.aborted) result.cancelled = true;
  else
    result.error = new ProviderError(`${id} stream ended without finishing`, { retryable: true });
  return result;
}
