import type { AppServices } from '../app-services.js';
import type { CachedTenant } from '../tenants/tenant-cache.js';
import { memoryPolicy } from './memory-policy.js';
import type { RecallResult } from './recall.js';
import { EMPTY_RECALL, recall } from './recall.js';

/**
 * The agent turn's three touch points with memory, each safe to call on the
 * hot path: recall never throws and stays within its budget; the event and
 * the prompt block are pure; extraction is only enqueued.
 */

export async function recallForTurn(
  services: AppServices,
  tenant: CachedTenant,
  turn: { tenantId: string; userId: string; conversationId: string; content: string },
): Promise<RecallResult> {
  if (!memoryPolicy(tenant.settings).enabled) return EMPTY_RECALL;
  try {
    const result = await recall(services, turn, turn.content, {
      budgetMs: services.memory.options.recallBudgetMs,
      conversationId: turn.conversationId,
    });
    if (result.degraded) {
      services.log.warn(
        { degraded: result.degraded, tenantId: tenant.id },
        'memory recall over budget',
      );
    }
    return result;
  } catch (err) {
    services.log.warn({ err }, 'memory recall failed');
    return EMPTY_RECALL;
  }
}

/** `memory.recalled` payload: ids and short texts for "remembered: …". */
export function recalledForEvent(r: RecallResult): { id: string; text: string }[] {
  return r.memories.map((m) => ({
    id: m.id,
    text: m.text.length > 120 ? `${m.text.slice(0, 119)}…` : m.text,
  }));
}

/** The persona followed by what is remembered, or the persona alone. */
export function systemPromptWithMemory(persona: string, r: RecallResult): string {
  if (r.memories.length === 0 && r.messages.length === 0) return persona;
  const parts = [persona, ''];
  if (r.memories.length > 0) {
    parts.push(
      'What you remember about this user from earlier conversations (use it when relevant; it may be out of date, and the user can correct it):',
      ...r.memories.map((m) => `- ${m.text}`),
    );
  }
  if (r.messages.length > 0) {
    parts.push(
      'Possibly relevant messages from the same user in other conversations:',
      ...r.messages.map(
        (m) => `- [${m.createdAt.toISOString().slice(0, 10)}, ${m.role}] ${JSON.stringify(m.text)}`,
      ),
    );
  }
  return parts.join('\n');
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
