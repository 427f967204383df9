import type { Knex } from 'knex';
import type { Embedder } from '../../src/memory/embedder.js';
import { toVectorLiteral } from '../../src/memory/embedder.js';

/** Direct inserts for memory tests that need rows without going through turns. */

export async function seedTenant(
  knex: Knex,
  settings: Record<string, unknown> = {},
): Promise<string> {
  const [row] = await knex('tenants').insert({ name: 'seeded', settings }).returning('id');
  return row.id as string;
}

export async function seedUser(knex: Knex, tenantId: string): Promise<string> {
  const [row] = await knex('users').insert({ tenant_id: tenantId }).returning('id');
  return row.id as string;
}

export interface SeedMemory {
  text: string;
  kind?: string;
  importance?: number;
  slot?: string | null;
  daysAgo?: number;
  lastAccessedDaysAgo?: number | null;
  expiresInDays?: number | null;
  invalidated?: boolean;
  sourceMessageIds?: string[];
}

const ago = (days: number) => new Date(Date.now() - days * 86_400_000);

export async function seedMemory(
  knex: Knex,
  embedder: Embedder,
  owner: { tenantId: string; userId: string },
  m: SeedMemory,
): Promise<string> {
  const [vector] = await embedder.embed([m.text]);
  const created = ago(m.daysAgo ?? 0);
  const [row] = await knex('memories')
    .insert({
      tenant_id: owner.tenantId,
      user_id: owner.userId,
      text: m.text,
      kind: m.kind ?? 'fact',
      importance: m.importance ?? 0.5,
      slot: m.slot ?? null,
      embedding: toVectorLiteral(vector!),
      created_at: created,
      updated_at: created,
      last_accessed_at: m.lastAccessedDaysAgo == null ? null : ago(m.lastAccessedDaysAgo),
      expires_at: m.expiresInDays == null ? null : ago(-m.expiresInDays),
      invalidated_at: m.invalidated ? created : null,
      source_message_ids: JSON.stringify(m.sourceMessageIds ?? []),
    })
    .returning('id');
  return row.id as string;
}

export async function seedMessage(
  knex: Knex,
  embedder: Embedder,
  owner: { tenantId: string; userId: string },
  conversationId: string,
  content: string,
  seq: number,
  opts: { role?: 'user' | 'assistant' } = {},
): Promise<string> {
  const [vector] = await embedder.embed([content]);
  const [row] = await knex('messages')
    .insert({
      tenant_id: owner.tenantId,
      user_id: owner.userId,
      conversation_id: conversationId,
      role: opts.role ?? 'user',
      content,
      seq,
      embedding: toVectorLiteral(vector!),
    })
    .returning('id');
  return row.id as string;
}

export async function seedConversation(
  knex: Knex,
  owner: { tenantId: string; userId: string },
): Promise<string> {
  const [row] = await knex('conversations')
    .insert({ tenant_id: owner.tenantId, user_id: owner.userId })
    .returning('id');
  return row.id as string;
}
