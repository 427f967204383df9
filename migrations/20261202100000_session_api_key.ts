import type { Knex } from 'knex';

/**
 * Which `sk_` key started a session (null for publishable keys, identity
 * tokens and accounts), so revoking the key ends the logins it created.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sessions', (t) => {
    t.uuid('api_key_id').nullable().references('api_keys.id').onDelete('SET NULL');
  });
  // Revoking a key looks up its live sessions only.
  await knex.raw(
    `create index sessions_live_api_key_idx on sessions (tenant_id, api_key_id)
       where api_key_id is not null and revoked_at is null`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists sessions_live_api_key_idx');
  await knex.schema.alterTable('sessions', (t) => {
    t.dropColumn('api_key_id');
  });
}
