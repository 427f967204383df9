import { readFileSync, writeFileSync } from 'node:fs';
import { migrateLatest, openDatabase } from '../../src/db/connect.js';

/** Where global-setup.ts left this run's migrated PGlite template (unset on PostgreSQL). */
export const TEMPLATE_ENV = 'PARLEY_TEST_PGLITE_TEMPLATE';

/**
 * Writes a migrated, empty PGlite cluster to `file`, once per test run:
 * starting each test file's database from it skips initdb and the
 * migrations, which were most of every integration file's start-up.
 */
export async function writePgliteTemplate(file: string): Promise<void> {
  const db = await openDatabase({ url: null, dataDir: null });
  try {
    await migrateLatest(db);
    const pglite = (await db.knex.client.acquireConnection()) as {
      dumpDataDir(compression: 'none'): Promise<Blob>;
    };
    const dump = await pglite.dumpDataDir('none');
    await db.knex.client.releaseConnection(pglite);
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  } finally {
    await db.close();
  }
}

/** This run's template, if global setup made one. */
export function pgliteTemplate(): Blob | undefined {
  const file = process.env[TEMPLATE_ENV];
  return file ? new Blob([readFileSync(file)]) : undefined;
}
