import type { Knex } from 'knex';
import * as initial from './20261126000000_initial.js';
import * as memory from './20261127000100_memory.js';
import * as identityAndRls from './20261127000900_identity_and_rls.js';
import * as turnLeases from './20261201100000_turn_leases.js';
import * as memorySearch from './20261201200000_memory_search.js';
import * as boundedSearchText from './20261202000000_bounded_search_text.js';
import * as sessionApiKey from './20261202100000_session_api_key.js';

/**
 * Migrations are listed statically so the bundled server and CLI carry them
 * (no directory scanning at run time). Append new ones in timestamp order.
 */
const migrations: Record<string, Knex.Migration> = {
  '20261126000000_initial': initial,
  '20261127000100_memory': memory,
  '20261127000900_identity_and_rls': identityAndRls,
  '20261201100000_turn_leases': turnLeases,
  '20261201200000_memory_search': memorySearch,
  '20261202000000_bounded_search_text': boundedSearchText,
  '20261202100000_session_api_key': sessionApiKey,
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
