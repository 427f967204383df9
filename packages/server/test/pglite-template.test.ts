import { describe, expect, it } from 'vitest';
import { migrationSource } from '../../../migrations/index.js';
import { TEMPLATE_ENV } from './helpers/pglite-template.js';
import { openTestDatabase, usingPostgres } from './helpers/test-db.js';

/** The suite's speed rests on this: one migrated PGlite per run, copied per test file. */
describe.skipIf(usingPostgres)('test databases on PGlite', () => {
  it('start from the migrated template global setup wrote, fully migrated and empty', async () => {
    expect(process.env[TEMPLATE_ENV]).toMatch(/pglite-template\.tar$/);
    const db = await openTestDatabase();
    try {
      const migrations = await migrationSource.getMigrations([]);
      const { rows } = await db.knex.raw('select count(*)::int as n from knex_migrations');
      expect(rows[0].n).toBe(migrations.length);
      const tenants = await db.knex.raw('select count(*)::int as n from tenants');
      expect(tenants.rows[0].n).toBe(0);
    } finally {
      await db.close();
    }
  });
});
