import type { Knex } from 'knex';

/**
 * The hot path's way to the database: one parameterised statement, no query
 * builder. On PostgreSQL each statement is prepared once per connection
 * (named by its text), so the server plans it once; on PGlite it runs as is.
 * Rows come back as the driver parses them (bigint: string on pg, number on
 * PGlite — read them with Number()).
 */
export interface SqlClient {
  query<R = Record<string, unknown>>(statement: Statement, values: unknown[]): Promise<R[]>;
}

export interface Statement {
  /** Stable name: the prepared statement's name on each connection. */
  name: string;
  text: string;
}

interface PgConnection {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/** Statements on connections of knex's own pool (one pool for the whole server). */
export function pgSqlClient(knex: Knex): SqlClient {
  const client = knex.client as {
    acquireConnection(): Promise<PgConnection>;
    releaseConnection(conn: PgConnection): Promise<void>;
  };
  return {
    async query<R>(statement: Statement, values: unknown[]): Promise<R[]> {
      const conn = await client.acquireConnection();
      try {
        const result = await conn.query({ name: statement.name, text: statement.text, values });
        return result.rows as R[];
      } finally {
        await client.releaseConnection(conn);
      }
    },
  };
}

interface PgliteLike {
  query<R>(text: string, values: unknown[]): Promise<{ rows: R[] }>;
}

export function pgliteSqlClient(pglite: PgliteLike): SqlClient {
  return {
    async query<R>(statement: Statement, values: unknown[]): Promise<R[]> {
      return (await pglite.query<R>(statement.text, values)).rows;
    },
  };
}

/** Declares a statement; `name` must be unique across the server. */
export function statement(name: string, text: string): Statement {
  return { name, text: text.replace(/\s+/g, ' ').trim() };
}
