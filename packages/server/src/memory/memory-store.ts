import type { Knex } from 'knex';
import { toVectorLiteral } from './embedder.js';
import type { Owner } from './owner.js';

/** Memory rows as extraction sees them: current, with their similarity to a probe. */
export interface ExistingMemory {
  id: string;
  text: string;
  kind: string;
  slot: string | null;
  importance: number;
  similarity: number;
  sourceMessageIds: string[];
  createdAt: Date;
}

export interface NewMemory {
  text: string;
  kind: string;
  importance: number;
  slot: string | null;
  embedding: number[];
  sourceMessageIds: string[];
  expiresAt: Date | null;
}

const CURRENT = `invalidated_at is null and (expires_at is null or expires_at > now())`;

/** The user's current memories nearest to `vector`, plus any that fill one of `slots`. */
export async function findSimilar(
  knex: Knex,
  owner: Owner,
  vector: number[],
  slots: string[],
  k = 5,
): Promise<ExistingMemory[]> {
  const v = toVectorLiteral(vector);
  const { rows } = (await knex.raw(
    `select id, text, kind, slot, importance, source_message_ids, created_at,
            1 - (embedding <=> ?::vector) as similarity
       from memories
      where tenant_id = ? and user_id = ? and ${CURRENT} and embedding is not null
        and (id in (select id from memories where tenant_id = ? and user_id = ? and ${CURRENT}
                     order by embedding <=> ?::vector limit ?)
             or slot = any(?::text[]))
      order by similarity desc`,
    [v, owner.tenantId, owner.userId, owner.tenantId, owner.userId, v, k, slots],
  )) as { rows: Record<string, unknown>[] };
  return rows.map(toExisting);
}

/** The newest current memory that came from one conversation ("forget that"). */
export async function latestFromConversation(
  knex: Knex,
  owner: Owner,
  conversationId: string,
): Promise<ExistingMemory | null> {
  const { rows } = (await knex.raw(
    `select id, text, kind, slot, importance, source_message_ids, created_at, 1 as similarity
       from memories
      where tenant_id = ? and user_id = ? and ${CURRENT}
        and jsonb_exists_any(source_message_ids, array(select id::text from messages
                               where conversation_id = ? and tenant_id = ? and user_id = ?))
      order by created_at desc limit 1`,
    [owner.tenantId, owner.userId, conversationId, owner.tenantId, owner.userId],
  )) as { rows: Record<string, unknown>[] };
  return rows[0] ? toExisting(rows[0]) : null;
}

export async function insertMemory(trx: Knex, owner: Owner, m: NewMemory): Promise<string> {
  const [row] = (await trx('memories')
    .insert({
      tenant_id: owner.tenantId,
      user_id: owner.userId,
      text: m.text,
      kind: m.kind,
      importance: m.importance,
      slot: m.slot,
      embedding: toVectorLiteral(m.embedding),
      source_message_ids: JSON.stringify(m.sourceMessageIds),
      expires_at: m.expiresAt,
    })
    .returning('id')) as { id: string }[];
  return row!.id;
}

/** Marks a memory no longer true, keeping it as history (and what replaced it). */
export async function invalidateMemory(
  trx: Knex,
  owner: Owner,
  id: string,
  supersededBy: string | null,
): Promise<boolean> {
  const n = await trx('memories')
    .where({ id, tenant_id: owner.tenantId, user_id: owner.userId })
    .whereNull('invalidated_at')
    .update({
      invalidated_at: trx.fn.now(),
      superseded_by: supersededBy,
      updated_at: trx.fn.now(),
    });
  return n > 0;
}

/** Records that another message confirmed a memory (provenance, and it counts as use). */
export async function confirmMemory(
  trx: Knex,
  owner: Owner,
  id: string,
  messageIds: string[],
): Promise<void> {
  await trx('memories')
    .where({ id, tenant_id: owner.tenantId, user_id: owner.userId })
    .whereNull('invalidated_at')
    .update({
      source_message_ids: trx.raw(
        `(select coalesce(jsonb_agg(distinct e), '[]'::jsonb) from jsonb_array_elements(source_message_ids || ?::jsonb) e)`,
        [JSON.stringify(messageIds)],
      ),
      last_accessed_at: trx.fn.now(),
    });
}

function toExisting(r: Record<string, unknown>): ExistingMemory {
  const ids = r.source_message_ids;
  return {
    id: r.id as string,
    text: r.text as string,
    kind: r.kind as string,
    slot: (r.slot as string | null) ?? null,
    importance: Number(r.importance),
    similarity: Number(r.similarity),
    sourceMessageIds:
      typeof ids === 'string' ? (JSON.parse(ids) as string[]) : ((ids as string[]) ?? []),
    createdAt: new Date(r.created_at as string),
  };
}
