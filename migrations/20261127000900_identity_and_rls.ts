import type { Knex } from 'knex';

/**
 * Identity secrets (per-tenant HS256 keys for identity tokens, sealed), and
 * PostgreSQL row-level security on every tenant-owned table as a second wall
 * behind the scoped repository (packages/server/src/db/scoped.ts).
 *
 * The policy applies when a transaction sets `parley.tenant_id`
 * (`select set_config('parley.tenant_id', $1, true)`, done by
 * `tenantScope(...).transaction`): rows of any other tenant are then
 * invisible and cannot be written. Unset, it allows all rows, so operator,
 * background and hot-path queries (which filter by tenant in the scoped
 * repository) run unchanged. FORCE makes it bind the table owner too; only
 * superusers and BYPASSRLS roles skip it, so production should connect as a
 * plain owner role. Tables added later call `enableTenantRls`.
 */
const SETTING = "nullif(current_setting('parley.tenant_id', true), '')";
const POLICY = 'parley_tenant_isolation';

export async function enableTenantRls(knex: Knex, table: string): Promise<void> {
  const rule = `${SETTING} is null or tenant_id = ${SETTING}::uuid`;
  await knex.raw(`alter table ?? enable row level security`, [table]);
  await knex.raw(`alter table ?? force row level security`, [table]);
  await knex.raw(`drop policy if exists ${POLICY} on ??`, [table]);
  await knex.raw(`create policy ${POLICY} on ?? using (${rule}) with check (${rule})`, [table]);
}

async function disableTenantRls(knex: Knex, table: string): Promise<void> {
  await knex.raw(`drop policy if exists ${POLICY} on ??`, [table]);
  await knex.raw(`alter table ?? no force row level security`, [table]);
  await knex.raw(`alter table ?? disable row level security`, [table]);
}

/** Every table of this schema with a tenant_id column. */
async function tenantTables(knex: Knex): Promise<string[]> {
  const { rows } = await knex.raw(
    `select table_name from information_schema.columns
     where column_name = 'tenant_id' and table_schema = current_schema()
       and table_name in (select table_name from information_schema.tables
                          where table_schema = current_schema() and table_type = 'BASE TABLE')
     order by table_name`,
  );
  return (rows as { table_name: string }[]).map((r) => r.table_name);
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('identity_secrets', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()')); // the token's `kid`
    t.uuid('tenant_id').notNullable().references('tenants.id').onDelete('CASCADE');
    t.text('secret_sealed').notNullable(); // AES-GCM, key derived from JWT_SECRET_KEY
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }); // set when rotated away (grace period)
    t.index(['tenant_id', 'created_at']);
  });
  // Login looks accounts up by (tenant, lower(email)); users_tenant_email_uq already covers it.
  for (const table of await tenantTables(knex)) await enableTenantRls(knex, table);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of await tenantTables(knex)) await disableTenantRls(knex, table);
  await knex.schema.dropTableIfExists('identity_secrets');
}
