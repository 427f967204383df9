import type { Knex } from 'knex';
import type { Embedder } from '../embedder.js';
import type { Owner } from '../owner.js';
import type { MemoryPolicy } from '../memory-policy.js';
import { confirmMemory, insertMemory, invalidateMemory } from '../memory-store.js';
import type { CandidateFact, Decision } from './decision.js';

export interface ExtractionCounts {
  added: number;
  updated: number;
  deleted: number;
  unchanged: number;
}

/**
 * Carries out decisions in one transaction. An UPDATE inserts the new text
 * and retires the old row (`superseded_by`, `invalidated_at`) so history and
 * provenance survive; a DELETE only retires. Two facts for the same slot in
 * one batch chain the same way, so a slot never has two current values.
 */
export async function applyDecisions(
  knex: Knex,
  embedder: Embedder,
  owner: Owner,
  decisions: Decision[],
  ctx: { policy: MemoryPolicy; sourceMessageIds: string[] },
): Promise<ExtractionCounts> {
  const counts: ExtractionCounts = { added: 0, updated: 0, deleted: 0, unchanged: 0 };
  const kept = decisions.filter((d) => !('fact' in d) || ctx.policy.kinds.includes(d.fact.kind));
  counts.unchanged += decisions.length - kept.length;
  const toEmbed = kept.filter((d): d is Extract<Decision, { fact: CandidateFact }> => 'fact' in d);
  const vectors = toEmbed.length ? await embedder.embed(toEmbed.map((d) => d.fact.text)) : [];
  const vectorOf = new Map(toEmbed.map((d, i) => [d, vectors[i]!]));
  const expiresAt = ctx.policy.retentionDays
    ? new Date(Date.now() + ctx.policy.retentionDays * 86_400_000)
    : null;

  await knex.transaction(async (trx) => {
    const slotIds = new Map<string, string>();
    for (const d of kept) {
      switch (d.event) {
        case 'NONE':
          if (d.targetId) await confirmMemory(trx, owner, d.targetId, ctx.sourceMessageIds);
          counts.unchanged++;
          break;
        case 'DELETE':
          if (await invalidateMemory(trx, owner, d.targetId, null)) counts.deleted++;
          else counts.unchanged++;
          break;
        case 'ADD':
        case 'UPDATE': {
          const id = await insertMemory(trx, owner, {
            text: d.fact.text,
            kind: d.fact.kind,
            importance: d.fact.importance,
            slot: d.fact.slot,
            embedding: vectorOf.get(d)!,
            sourceMessageIds: ctx.sourceMessageIds,
            expiresAt,
          });
          let replaced = false;
          if (d.event === 'UPDATE') replaced = await invalidateMemory(trx, owner, d.targetId, id);
          const earlier = d.fact.slot ? slotIds.get(d.fact.slot) : undefined;
          if (earlier) replaced = (await invalidateMemory(trx, owner, earlier, id)) || replaced;
          if (d.fact.slot) slotIds.set(d.fact.slot, id);
          if (replaced) counts.updated++;
          else counts.added++;
          break;
        }
      }
    }
  });
  return counts;
}
