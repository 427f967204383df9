import type { Knex } from 'knex';

/**
 * Turn ownership lives on the conversation row: a short lease (renewed while
 * the turn runs) with a fencing token that every write of the turn checks,
 * and a seq ceiling — the highest seq the running turn may have shown a
 * client — so that after a crash the next turn continues above it. The
 * answer is written as a `streaming` row at the start and checkpointed, so a
 * dead process leaves an `incomplete` answer, never a silent gap.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('conversations', (t) => {
    t.bigInteger('lease_token').notNullable().defaultTo(0);
    t.text('lease_owner');
    t.timestamp('lease_until', { useTz: true });
    t.bigInteger('seq_ceiling').notNullable().defaultTo(0);
  });
  await knex.raw('alter table messages drop constraint if exists messages_status_check');
  await knex.raw(
    "alter table messages add constraint messages_status_check check (status in ('complete', 'incomplete', 'failed', 'streaming'))",
  );
  // Finding a conversation's live answer (resume, crash recovery).
  await knex.raw(
    "create index messages_streaming_idx on messages (conversation_id) where status = 'streaming'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists messages_streaming_idx');
  await knex.raw("update messages set status = 'incomplete' where status = 'streaming'");
  await knex.raw('alter table messages drop constraint if exists messages_status_check');
  await knex.raw(
    "alter table messages add constraint messages_status_check check (status in ('complete', 'incomplete', 'failed'))",
  );
  await knex.schema.alterTable('conversations', (t) => {
    t.dropColumn('seq_ceiling');
    t.dropColumn('lease_until');
    t.dropColumn('lease_owner');
    t.dropColumn('lease_token');
  });
}
