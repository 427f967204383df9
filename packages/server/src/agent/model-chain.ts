import type { ErrorBody } from '@parley/sdk/protocol';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { PriceTable } from '../config/model-prices.js';
import { costUsd, priceFor } from '../config/model-prices.js';
import type { Admission, CircuitBreaker } from '../providers/circuit-breaker.js';
import type {
  ChatMessage,
  ChatProvider,
  ProviderError,
  TokenUsage,
  ToolCallRequest,
  ToolSpec,
} from '../providers/provider.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { TurnEventInput } from '../turns/turn-event-log.js';
import type { AttemptResult } from './stream-attempt.js';
import { streamAttempt } from './stream-attempt.js';

/** Emits an event of the current turn; the turn stamps `seq` and `conversationId`. */
export type EmitFn = (e: TurnEventInput) => void;

export interface Generation {
  text: string;
  /** Tool calls the model asked for in this step (empty when it answered). */
  toolCalls: ToolCallRequest[];
  usage: TokenUsage | null;
  /** USD for this call from the configured price table; null when the model has no price. */
  costUsd: number | null;
  provider: ChatProvider | null;
  model: string | null;
  error: ErrorBody | null;
}

export interface ModelChainDeps {
  providers: ProviderRegistry;
  /** One per server instance; its state lives in the shared store. */
  breaker: CircuitBreaker;
  /** Chain when a tenant names none, e.g. `['openai:gpt-4o-mini']`. */
  defaultModels: string[];
  firstTokenTimeoutMs: number;
  idleTokenTimeoutMs: number;
  prices: PriceTable;
  clock: Clock;
  log: Logger;
}

export interface GenerateRequest {
  /** The tenant's chain (`settings.models`); empty → the default chain. */
  models: readonly string[] | undefined;
  messages: ChatMessage[];
  tools?: ToolSpec[];
  /** Recalled memory texts (ProviderRequest.recalled). */
  recalled?: readonly string[];
  responseId: string;
  signal: AbortSignal;
  emit: EmitFn;
}

export type Generate = (req: GenerateRequest) => Promise<Generation>;

const UNAVAILABLE: ErrorBody = {
  code: 'provider_unavailable',
  message: 'No model provider is available right now; please try again shortly',
};

/**
 * Streams from a model chain. A retryable failure before the first token
 * (incl. silence past the first-token timeout) fails over to the next
 * model; after text has streamed it ends the answer as incomplete rather
 * than mixing two models' words. Each provider+model has a circuit breaker
 * shared across instances; when every model of the chain is open, the
 * first one is tried anyway (a probe), so a recovered model answers at once
 * instead of after the cool-down.
 */
export function createModelChain(deps: ModelChainDeps): Generate {
  return async (req) => {
    const chain = req.models?.length ? req.models : deps.defaultModels;
    const resolved = chain.flatMap((spec) => {
      const r = deps.providers.resolve(spec);
      if (!r) deps.log.warn({ spec }, 'unknown provider in model chain');
      return r ? [r] : [];
    });
    const admissions: Admission[] = await Promise.all(
      resolved.map(({ provider, model }) =>
        provider.offline
          ? Promise.resolve<Admission>('closed')
          : admit(deps, `${provider.id}:${model}`),
      ),
    );
    if (admissions.length > 0 && admissions.every((a): boolean => a === 'open'))
      admissions[0] = 'probe';

    let lastError: ErrorBody = UNAVAILABLE;
    let retryAfterMs: number | undefined;
    for (const [i, { provider, model }] of resolved.entries()) {
      const admission = admissions[i]!;
      const target = `${provider.id}:${model}`;
      if (admission === 'open') {
        deps.log.info({ provider: provider.id, model }, 'circuit open: skipping provider');
        continue;
      }
      const r = await attempt(deps, provider, model, req);
      if (!provider.offline) await record(deps, target, admission, r);
      if (r.cancelled) {
        return {
          ...result(deps, r, provider, model),
          toolCalls: [],
          error: { code: 'cancelled', message: 'The response was cancelled' },
        };
      }
      if (!r.error) return result(deps, r, provider, model);
      const pe = r.error;
      deps.log.warn(
        {
          provider: provider.id,
          model,
          status: pe.status,
          retryable: pe.retryable,
          retryAfterMs: pe.retryAfterMs,
          afterFirstToken: r.started,
          err: pe.message,
        },
        'provider failed',
      );
      lastError = describe(pe, r.started);
      if (pe.retryAfterMs !== undefined)
        retryAfterMs = Math.min(retryAfterMs ?? Infinity, pe.retryAfterMs);
      // Fail over only while nothing has reached the user.
      if (r.started || !pe.retryable) {
        return { ...empty, text: r.text, provider, model, error: lastError };
      }
    }
    return {
      ...empty,
      error: retryAfterMs === undefined ? lastError : { ...lastError, details: { retryAfterMs } },
    };
  };
}

const empty: Generation = {
  text: '',
  toolCalls: [],
  usage: null,
  costUsd: null,
  provider: null,
  model: null,
  error: null,
};

function attempt(
  deps: ModelChainDeps,
  provider: ChatProvider,
  model: string,
  req: GenerateRequest,
): Promise<AttemptResult> {
  const { emit, responseId } = req;
  return streamAttempt(
    provider,
    {
      model,
      messages: req.messages,
      ...(req.tools?.length ? { tools: req.tools } : {}),
      ...(req.recalled?.length ? { recalled: req.recalled } : {}),
    },
    req.signal,
    {
      clock: deps.clock,
      firstChunkMs: deps.firstTokenTimeoutMs,
      idleMs: deps.idleTokenTimeoutMs,
    },
    {
      onStart: () =>
        emit({
          type: 'response.started',
          responseId,
          provider: provider.id,
          model,
          offline: provider.offline,
        }),
      onText: (delta) => emit({ type: 'text.delta', responseId, delta }),
    },
  );
}

function result(
  deps: ModelChainDeps,
  r: AttemptResult,
  provider: ChatProvider,
  model: string,
): Generation {
  let cost: number | null = null;
  if (provider.offline) cost = 0;
  else if (r.usage) {
    const price = priceFor(deps.prices, provider.id, model);
    cost = price ? costUsd(price, r.usage.inputTokens, r.usage.outputTokens) : null;
  }
  return {
    text: r.text,
    toolCalls: r.toolCalls,
    usage: r.usage,
    costUsd: cost,
    provider,
    model,
    error: null,
  };
}

/** Client-safe wording; the vendor's own message stays in the log. */
function describe(pe: ProviderError, started: boolean): ErrorBody {
  if (pe.retryable) {
    return started
      ? {
          code: 'provider_unavailable',
          message: 'The model provider stopped before the answer was complete',
        }
      : UNAVAILABLE;
  }
  return pe.status !== undefined
    ? { code: 'provider_error', message: 'The model provider rejected the request' }
    : { code: 'provider_error', message: 'The model provider returned an invalid response' };
}

/** A store outage must not take the model down with it: fail open. */
async function admit(deps: ModelChainDeps, target: string): Promise<Admission> {
  try {
    return await deps.breaker.admit(target);
  } catch (err) {
    deps.log.warn({ err, target }, 'circuit breaker store failed');
    return 'closed';
  }
}

/**
 * Retryable failures count against the provider; an answer or a refusal
 * (4xx, malformed) proves it is reachable. A store hiccup is logged and
 * never fails the turn.
 */
async function record(
  deps: ModelChainDeps,
  target: string,
  admission: Admission,
  r: AttemptResult,
): Promise<void> {
  try {
    if (r.error?.retryable) await deps.breaker.failure(target, admission);
    else if (r.cancelled && !r.started) await deps.breaker.abandon(target, admission);
    else await deps.breaker.success(target, admission);
  } catch (err) {
    deps.log.warn({ err, target }, 'circuit breaker store failed');
  }
}
