import type { Knex } from 'knex';
import * as initial from './20261126000000_initial.js';

/**
 * Migrations are listed statically so the bundled server and CLI carry them
 * (no directory scanning at run time). Append new ones in timestamp order.
 */
const migrations: Record<string, Knex.Migration> = {
  '20261126000000_initial': initial,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const m = migrations[name];
    if (!m) throw new Error(`unknown migration ${name}`);
    return m;
  },
};
