import { mkdirSync } from 'node:fs';
import knexFactory from 'knex';
import type { Knex } from 'knex';
import { migrationSource } from '../../../../migrations/index.js';
import type { SqlClient } from './sql-client.js';
import { pgliteSqlClient, pgSqlClient } from './sql-client.js';

/**
 * Set once per connection instead of per query: with a tenant+user filter a
 * plain HNSW scan returns its ef_search nearest rows of *all* users and the
 * filter leaves few; iterative scanning keeps walking until enough rows pass.
 * Doing it here saves memory recall a transaction (three round trips).
 */
const SESSION_SETUP = 'set hnsw.iterative_scan = relaxed_order';

interface PgConnection {
  query(sql: string, cb: (err: Error | null) => void): void;
}

export interface DatabaseOptions {
  /** PostgreSQL URL; `null` opens the embedded PGlite database. */
  url: string | null;
  /** PGlite data directory; `null` keeps it in memory (tests). */
  dataDir: string | null;
  embeddingDimensions?: number;
  pool?: { min: number; max: number };
  /**
   * PGlite only: a data directory tarball (`dumpDataDir`) to start from
   * instead of an empty cluster. Tests load one migrated copy per run.
   */
  pgliteTemplate?: Blob;
}

export interface Database {
  knex: Knex;
  /** Prepared statements for the hot path (db/sql-client.ts). */
  sql: SqlClient;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  const userParams = { embeddingDimensions: opts.embeddingDimensions ?? 512 };
  if (opts.url) {
    const knex = knexFactory({
      client: 'pg',
      // PostgreSQL down must mean a 503 within a second, not a request parked for a
      // minute: a connection that cannot be made fails the waiting query at once
      // (knex propagates create errors). A pool that is only busy is waited for longer,
      // so a burst of turns queues instead of being refused.
      connection: { connectionString: opts.url, connectionTimeoutMillis: 1000 },
      acquireConnectionTimeout: 5000,
      pool: {
        ...(opts.pool ?? { min: 2, max: 20 }),
        afterCreate: (
          conn: PgConnection,
          done: (err: Error | null, conn: PgConnection) => void,
        ) => {
          conn.query(SESSION_SETUP, (err) => done(err, conn));
        },
      },
      migrations: { migrationSource, tableName: 'knex_migrations' },
    }).withUserParams(userParams);
    return { knex, sql: pgSqlClient(knex), kind: 'postgres', close: () => knex.destroy() };
  }
  return openPglite(opts.dataDir, userParams, opts.pgliteTemplate);
}

async function openPglite(
  dataDir: string | null,
  userParams: Record<string, unknown>,
  template?: Blob,
): Promise<Database> {
  // Loaded lazily: production never pays for the WASM build.
  const [{ PGlite }, { vector }, { default: ClientPgLite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/vector'),
    import('knex-pglite'),
  ]);
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(template ? { loadDataDir: template } : {}),
    extensions: { vector },
  });
  await pglite.exec(SESSION_SETUP);
  const knex = knexFactory({
    client: ClientPgLite as unknown as typeof knexFactory.Client,
    dialect: 'postgres',
    connection: () => ({ pglite }) as object,
    migrations: { migrationSource, tableName: 'knex_migrations' },
  } as Knex.Config).withUserParams(userParams);
  return {
    knex,
    sql: pgliteSqlClient(pglite),
    kind: 'pglite',
    close: async () => {
      await knex.destroy(); // knex-pglite closes the PGlite instance with its pool
      if (!pglite.closed) await pglite.close();
    },
  };
}

export async function migrateLatest(db: Database): Promise<string[]> {
  const [, applied] = (await db.knex.migrate.latest()) as [number, string[]];
  return applied;
}
