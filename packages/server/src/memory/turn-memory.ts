import type { MemoryRecalledEvent } from '@parley/sdk/protocol';
import type { AppServices } from '../app-services.js';
import type { CachedTenant } from '../tenants/tenant-cache.js';
import type { TenantSettings } from '../tenants/settings.js';
import { memoryPolicy } from './memory-policy.js';
import type { Owner } from './owner.js';
import type { RecallOptions, RecallPorts, RecallResult } from './recall.js';
import { EMPTY_RECALL, recall } from './recall.js';
import { promptSectionFor } from './recall/prompt-section.js';
import { recalledEventFields } from './recall/recalled-event.js';

/**
 * The agent turn's touch points with memory, each safe on the hot path:
 * recall never throws and keeps to its budget; the event fields and the
 * prompt section are pure; extraction is only enqueued.
 */

export interface QueryRecallPorts extends RecallPorts {
  memory: RecallPorts['memory'] & { options: { recallBudgetMs: number } };
}

/**
 * Exactly what a turn recalls for `text`: the tenant's policy, the
 * deployment's budget, the same ranking. `GET /v1/memories/recall?q=` and
 * the turn both call this, so what the API shows is what the model got.
 */
export async function recallForQuery(
  ports: QueryRecallPorts,
  settings: TenantSettings,
  owner: Owner,
  text: string,
  opts: Pick<RecallOptions, 'conversationId'> = {},
): Promise<RecallResult> {
  if (!memoryPolicy(settings).enabled) return EMPTY_RECALL;
  try {
    const result = await recall(ports, owner, text, {
      budgetMs: ports.memory.options.recallBudgetMs,
      conversationId: opts.conversationId ?? null,
    });
    if (result.degraded) {
      ports.log.warn(
        { degraded: result.degraded, tenantId: owner.tenantId },
        'memory recall over budget',
      );
    }
    return result;
  } catch (err) {
    ports.log.warn({ err }, 'memory recall failed');
    return EMPTY_RECALL;
  }
}

export function recallForTurn(
  services: AppServices,
  tenant: CachedTenant,
  turn: { tenantId: string; userId: string; conversationId: string; content: string },
): Promise<RecallResult> {
  return recallForQuery(services, tenant.settings, turn, turn.content, {
    conversationId: turn.conversationId,
  });
}

/** True when the turn should emit `memory.recalled` (memories or passages). */
export function hasRecall(r: RecallResult): boolean {
  return r.memories.length > 0 || r.passages.length > 0;
}

/**
 * `memory.recalled` `memories` field (ids and short texts). Kept for the
 * current turn code; `recalledEventFields` gives the whole payload.
 */
export function recalledForEvent(r: RecallResult): MemoryRecalledEvent['memories'] {
  return recalledEventFields(r).memories;
}

export { recalledEventFields };

/** The persona followed by what is remembered, or the persona alone. */
export function systemPromptWithMemory(persona: string, r: RecallResult): string {
  const section = promptSectionFor(r);
  return section ? `${persona}\n\n${section}` : persona;
}

export interface ExtractionJob {
  tenantId: string;
  userId: string;
  conversationId: string;
  userMessageId: string;
  assistantMessageId: string | null;
  /** Memories recalled for this turn: their access stats are updated by the job. */
  recalledMemoryIds?: string[];
}

export const EXTRACT_JOB = 'memory.extract';

/** Hands the finished turn to the extraction job; never delays or fails the turn. */
export function enqueueExtraction(services: AppServices, job: ExtractionJob): void {
  services.infra.queue
    .add(EXTRACT_JOB, job, { attempts: 2 })
    .catch((err: unknown) => services.log.warn({ err }, 'memory extraction not queued'));
}
