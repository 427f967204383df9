import type { ErrorBody, ParleyEvent } from '@parley/sdk/protocol';
import type { AppServices } from '../app-services.js';
import type {
  ChatMessage,
  ChatProvider,
  ProviderChunk,
  ToolCallRequest,
  ToolSpec,
  TokenUsage,
} from '../providers/provider.js';
import { ProviderError } from '../providers/provider.js';
import type { CachedTenant } from '../tenants/tenant-cache.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** Emits an event of the current turn; the turn stamps `seq` and `conversationId`. */
export type EmitFn = (e: DistributiveOmit<ParleyEvent, 'seq' | 'conversationId'>) => void;

export interface Generation {
  text: string;
  /** Tool calls the model asked for in this step (empty when it answered). */
  toolCalls: ToolCallRequest[];
  usage: TokenUsage | null;
  provider: ChatProvider | null;
  model: string | null;
  error: ErrorBody | null;
}

/**
 * Streams from the tenant's model chain. A retryable failure before the first
 * token fails over to the next model; after text has streamed it ends the
 * answer as incomplete rather than mixing two models' words.
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
  let lastError: ErrorBody = { code: 'provider_unavailable', message: 'No model is available' };
  for (const spec of chain) {
    const resolved = services.providers.resolve(spec);
    if (!resolved) {
      services.log.warn({ spec, tenantId: tenant.id }, 'unknown provider in model chain');
      continue;
    }
    const { provider, model } = resolved;
    let text = '';
    let started = false;
    const toolCalls: ToolCallRequest[] = [];
    try {
      for await (const chunk of provider.stream({
        model,
        messages,
        signal,
      }) as AsyncIterable<ProviderChunk>) {
        if (!started) {
          started = true;
          emit({
            type: 'response.started',
            responseId,
            provider: provider.id,
            model,
            offline: provider.offline,
          });
        }
        switch (chunk.type) {
          case 'text':
            text += chunk.text;
            emit({ type: 'text.delta', responseId, delta: chunk.text });
            break;
          case 'tool-call':
            toolCalls.push(chunk.call);
            break;
          case 'finish':
            if (signal.aborted) return cancelled(text, chunk.usage, provider, model);
            return { text, toolCalls, usage: chunk.usage, provider, model, error: null };
        }
      }
      if (signal.aborted) return cancelled(text, null, provider, model);
      throw new ProviderError('Provider stream ended without finishing', text === '');
    } catch (err) {
      if (signal.aborted) return cancelled(text, null, provider, model);
      const pe =
        err instanceof ProviderError
          ? err
          : new ProviderError(String(err), false, undefined, undefined, { cause: err });
      services.log.warn(
        {
          provider: provider.id,
          model,
          status: pe.status,
          retryable: pe.retryable,
          err: pe.message,
        },
        'provider failed',
      );
      const code = pe.retryable ? 'provider_unavailable' : 'provider_error';
      lastError = {
        code,
        message: pe.retryable
          ? 'The model provider is unavailable'
          : 'The model provider returned an invalid response',
      };
      if (text !== '' || !pe.retryable)
        return { text, toolCalls: [], usage: null, provider, model, error: lastError };
    }
  }
  return { text: '', toolCalls: [], usage: null, provider: null, model: null, error: lastError };
}

function cancelled(
  text: string,
  usage: TokenUsage | null,
  provider: ChatProvider,
  model: string,
): Generation {
  return {
    text,
    toolCalls: [],
    usage,
    provider,
    model,
    error: { code: 'cancelled', message: 'The response was cancelled' },
  };
}
