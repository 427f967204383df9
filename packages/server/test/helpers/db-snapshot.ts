import type { Knex } from 'knex';

/** Every table of the schema except knex's own bookkeeping. */
export async function dataTables(knex: Knex): Promise<string[]> {
  const { rows } = await knex.raw(
    `select table_name from information_schema.tables
     where table_schema = current_schema() and table_type = 'BASE TABLE'
       and table_name not like 'knex_migrations%' order by table_name`,
  );
  return (rows as { table_name: string }[]).map((r) => r.table_name);
}

const checksum = (table: string, where = 'true') =>
  `select '${table}' as name, count(*)::int as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h from "${table}" t where ${where}`;

async function run(
  knex: Knex,
  parts: string[],
  args: string[] = [],
): Promise<Record<string, string>> {
  const { rows } = await knex.raw(parts.join(' union all '), args);
  const out: Record<string, string> = {};
  for (const r of rows as { name: string; n: number; h: string }[]) out[r.name] = `${r.n}:${r.h}`;
  return out;
}

/** Row count and a checksum of every row of every table (one query): any write changes it. */
export async function snapshotAll(knex: Knex, tables: string[]): Promise<Record<string, string>> {
  return run(
    knex,
    tables.map((t) => checksum(t)),
  );
}

/**
 * Only what belongs to one user (rows with their user_id, their users row)
 * and their tenant's tenant-level rows: for calls that may legitimately
 * write the caller's own data, but never the victim's.
 */
export async function snapshotOwned(
  knex: Knex,
  tables: string[],
  owner: { tenantId: string; userId: string },
): Promise<Record<string, string>> {
  const { rows: cols } = await knex.raw(
    `select table_name, column_name from information_schema.columns
     where table_schema = current_schema() and column_name in ('tenant_id', 'user_id')`,
  );
  const has = (t: string, c: string) =>
    (cols as { table_name: string; column_name: string }[]).some(
      (r) => r.table_name === t && r.column_name === c,
    );
  const parts: string[] = [];
  const args: string[] = [];
  for (const table of tables) {
    if (table === 'users') (parts.push(checksum(table, 'id = ?')), args.push(owner.userId));
    else if (table === 'tenants')
      (parts.push(checksum(table, 'id = ?')), args.push(owner.tenantId));
    else if (has(table, 'user_id'))
      (parts.push(checksum(table, 'user_id = ?')), args.push(owner.userId));
    else if (has(table, 'tenant_id'))
      (parts.push(checksum(table, 'tenant_id = ?')), args.push(owner.tenantId));
  }
  return run(knex, parts, args);
}
