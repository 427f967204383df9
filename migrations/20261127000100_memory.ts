import type { Knex } from 'knex';

/**
 * Semantic memory: the slot a fact fills (so "I moved to Porto" replaces
 * "lives in Lisbon" instead of adding a second home), and the partial indexes
 * recall and extraction filter on.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table memories add column slot text');
  // Keep vectors in the row (pgvector's default is out-of-line TOAST once a row
  // passes ~2 kB, i.e. from 512 dimensions): recall reads every candidate's
  // vector, and a TOAST lookup per row tripled its latency at 100k memories.
  for (const table of ['memories', 'messages']) {
    await knex.raw(`alter table ${table} alter column embedding set storage main`);
  }
  // Recall, listing and the per-user cap only ever look at current memories of one user.
  await knex.raw(
    'create index memories_owner_current_idx on memories (tenant_id, user_id, created_at desc) where invalidated_at is null',
  );
  await knex.raw(
    'create index memories_owner_slot_idx on memories (tenant_id, user_id, slot) where invalidated_at is null and slot is not null',
  );
  // ON DELETE SET NULL of superseded_by scans for referencing rows.
  await knex.raw(
    'create index memories_superseded_by_idx on memories (superseded_by) where superseded_by is not null',
  );
  // Cross-conversation message recall: a user's embedded messages only.
  await knex.raw(
    'create index messages_owner_embedded_idx on messages (tenant_id, user_id, conversation_id) where embedding is not null',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists messages_owner_embedded_idx');
  await knex.raw('drop index if exists memories_superseded_by_idx');
  await knex.raw('drop index if exists memories_owner_slot_idx');
  await knex.raw('drop index if exists memories_owner_current_idx');
  for (const table of ['memories', 'messages']) {
    await knex.raw(`alter table ${table} alter column embedding set storage external`);
  }
  await knex.raw('alter table memories drop column if exists slot');
}
