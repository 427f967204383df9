import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import type { Database } from '../../src/db/connect.js';
import { migrateLatest, openDatabase } from '../../src/db/connect.js';
import { pgliteTemplate } from './pglite-template.js';

export const usingPostgres = Boolean(process.env.TEST_DATABASE_URL);

/**
 * A fresh, migrated database for one test file: a new PostgreSQL database
 * (pgvector enabled) when TEST_DATABASE_URL is set, else in-memory PGlite
 * started from the run's migrated template (global-setup.ts).
 */
export async function openTestDatabase(): Promise<Database & { url?: string }> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const db = await openDatabase({ url: null, dataDir: null, pgliteTemplate: pgliteTemplate() });
    await migrateLatest(db); // a no-op on the template; migrates fully without one
    return db;
  }
  const name = `parley_t_${randomBytes(6).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
  await admin.raw(`create database ${name}`);
  await admin.destroy();
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  const db = await openDatabase({
    url: dbUrl.toString(),
    dataDir: null,
    pool: { min: 0, max: 10 },
  });
  await migrateLatest(db);
  return {
    ...db,
    url: dbUrl.toString(),
    close: async () => {
      await db.close();
      const cleanup = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
      await cleanup.raw(`drop database if exists ${name} with (force)`);
      await cleanup.destroy();
    },
  };
}
