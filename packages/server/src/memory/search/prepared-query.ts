import type { Knex } from 'knex';

interface PgConnection {
  query(q: {
    name: string;
    text: string;
    values: unknown[];
  }): Promise<{ rows: Record<string, unknown>[] }>;
}
const statementNames = new Map<string, string>();

/**
 * On PostgreSQL, a named prepared statement per query shape: the planner's
 * work (several ms for this many CTEs) is done once per connection, not per
 * turn. PGlite runs in process and plans cheaply: plain `raw`.
 */
export async function runPrepared(
  knex: Knex,
  sql: string,
  b: Knex.RawBinding[],
): Promise<Record<string, unknown>[]> {
  if ((knex.client as { config?: { client?: unknown } }).config?.client !== 'pg') {
    return ((await knex.raw(sql, b)) as { rows: Record<string, unknown>[] }).rows;
  }
  const native = knex.raw(sql, b).toSQL().toNative();
  let name = statementNames.get(native.sql);
  if (!name) {
    name = `parley_recall_${statementNames.size + 1}`;
    statementNames.set(native.sql, name);
  }
  const client = knex.client as {
    acquireConnection(): Promise<PgConnection>;
    releaseConnection(c: PgConnection): Promise<void>;
  };
  const conn = await client.acquireConnection();
  try {
    return (await conn.query({ name, text: native.sql, values: native.bindings as unknown[] }))
      .rows;
  } finally {
    await client.releaseConnection(conn);
  }
}
