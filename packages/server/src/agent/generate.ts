import type { ErrorBody, ParleyEvent } from '@parley/sdk/protocol';
import type { AppServices } from '../app-services.js';
import { costUsd, priceFor } from '../config/model-prices.js';
import type { Admission } from '../providers/circuit-breaker.js';
import { CircuitBreaker } from '../providers/circuit-breaker.js';
import type {
  ChatMessage,
  ChatProvider,
  ProviderError,
  ToolCallRequest,
  ToolSpec,
  TokenUsage,
} from '../providers/provider.js';
import type { CachedTenant } from '../tenants/tenant-cache.js';
import type { AttemptResult } from './stream-attempt.js';
import { streamAttempt } from './stream-attempt.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** Emits an event of the current turn; the turn stamps `seq` and `conversationId`. */
export type EmitFn = (e: DistributiveOmit<ParleyEvent, 'seq' | 'conversationId'>) => void;

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

const UNAVAILABLE: ErrorBody = {
  code: 'provider_unavailable',
  message: 'No model provider is available right now; please try again shortly',
};

/**
 * Streams from the tenant's model chain. A retryable failure before the first
 * token (incl. no token within the first-token timeout) fails over to the
 * next model; after text has streamed it ends the answer as incomplete rather
 * than mixing two models' words. Each provider+model has a circuit breaker
 * shared across instances: one that keeps failing is skipped until a probe
 * finds it healthy again.
 */
export async function generate(
  services: AppServices,
  tenant: CachedTenant,
  messages: ChatMessage[],
  signal: AbortSignal,
  responseId: string,
  emit: EmitFn,
  tools?: ToolSpec[],
): Promise<Generation> {
  const chain = tenant.settings.models?.length ? tenant.settings.models : services.defaultModels;
  const { llm } = services.config;
  let lastError: ErrorBody = UNAVAILABLE;
  /** Shortest Retry-After among the failures, for the client to wait before trying again. */
  let retryAfterMs: number | undefined;
  for (const spec of chain) {
    const resolved = services.providers.resolve(spec);
    if (!resolved) {
      services.log.warn({ spec, tenantId: tenant.id }, 'unknown provider in model chain');
      continue;
    }
    const { provider, model } = resolved;
    const target = `${provider.id}:${model}`;
    // The offline provider cannot fail like a remote one: no breaker, no store read.
    const breaker = provider.offline ? null : breakerFor(services);
    const admission = breaker ? await admit(services, breaker, target) : 'closed';
    if (admission === 'open') {
      services.log.info({ provider: provider.id, model }, 'circuit open: skipping provider');
      lastError = UNAVAILABLE;
      continue;
    }

    const r = await streamAttempt(
      provider,
      { model, messages, ...(tools?.length ? { tools } : {}) },
      signal,
      llm.firstTokenTimeoutMs,
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
    if (breaker) await record(services, breaker, target, admission, r);

    if (r.cancelled) {
      return {
        ...result(services, r, provider, model),
        toolCalls: [],
        error: { code: 'cancelled', message: 'The response was cancelled' },
      };
    }
    if (!r.error) return result(services, r, provider, model);

    const pe = r.error;
    services.log.warn(
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
      return {
        text: r.text,
        toolCalls: [],
        usage: null,
        costUsd: null,
        provider,
        model,
        error: lastError,
      };
    }
  }
  return {
    text: '',
    toolCalls: [],
    usage: null,
    costUsd: null,
    provider: null,
    model: null,
    error: retryAfterMs === undefined ? lastError : { ...lastError, details: { retryAfterMs } },
  };
}

function result(
  services: AppServices,
  r: AttemptResult,
  provider: ChatProvider,
  model: string,
): Generation {
  return {
    text: r.text,
    toolCalls: r.toolCalls,
    usage: r.usage,
    costUsd: cost(services, provider, model, r.usage),
    provider,
    model,
    error: null,
  };
}

function cost(
  services: AppServices,
  provider: ChatProvider,
  model: string,
  usage: TokenUsage | null,
): number | null {
  if (provider.offline) return 0;
  const price = usage ? priceFor(services.config.llm.prices, provider.id, model) : null;
  return price && usage ? costUsd(price, usage.inputTokens, usage.outputTokens) : null;
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
async function admit(
  services: AppServices,
  breaker: CircuitBreaker,
  target: string,
): Promise<Admission> {
  try {
    return await breaker.admit(target);
  } catch (err) {
    services.log.warn({ err, target }, 'circuit breaker store failed');
    return 'closed';
  }
}

/**
 * Retryable failures count against the provider; an answer or a refusal
 * (4xx, malformed) proves it is reachable. The store is the source of
 * truth, so a store hiccup is logged and never fails the turn.
 */
async function record(
  services: AppServices,
  breaker: CircuitBreaker,
  target: string,
  admission: Admission,
  r: AttemptResult,
): Promise<void> {
  try {
    if (r.error?.retryable) await breaker.failure(target, admission);
    else if (r.cancelled && !r.started) await breaker.abandon(target, admission);
    else await breaker.success(target, admission);
  } catch (err) {
    services.log.warn({ err, target }, 'circuit breaker store failed');
  }
}

const breakers = new WeakMap<AppServices, CircuitBreaker>();

/** One breaker per server instance; its state lives in the shared store. */
function breakerFor(services: AppServices): CircuitBreaker {
  let b = breakers.get(services);
  if (!b) {
    b = new CircuitBreaker(services.infra.kv, {
      failureThreshold: services.config.llm.breakerFailureThreshold,
      cooldownMs: services.config.llm.breakerCooldownMs,
    });
    breakers.set(services, b);
  }
  return b;
}
