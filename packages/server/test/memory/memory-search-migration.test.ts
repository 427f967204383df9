import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/connect.js';
import { openTestDatabase } from '../helpers/test-db.js';
import { seedConversation, seedTenant, seedUser } from './seed.js';

// 20261201200000_memory_search: English stemming + the owner marker, and a down that restores the old columns.

let db: Database;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.close());

const columns = async (table: string) =>
  (
    (await db.knex.raw(
      `select column_name from information_schema.columns where table_name = ? and column_name like '%tsv' order by 1`,
      [table],
    )) as { rows: { column_name: string }[] }
  ).rows.map((r) => r.column_name);

describe('memory search migration', () => {
  it("stems words and marks each row with its owner's lexeme", async () => {
    const tenantId = await seedTenant(db.knex);
    const userId = await seedUser(db.knex, tenantId);
    const conversationId = await seedConversation(db.knex, { tenantId, userId });
    await db.knex('messages').insert({
      tenant_id: tenantId,
      user_id: userId,
      conversation_id: conversationId,
      role: 'user',
      content: 'My sister is living in the necklaces district',
      seq: 1,
    });
    const { rows } = (await db.knex.raw(
      `select search_tsv::text as v from messages where user_id = ?`,
      [userId],
    )) as { rows: { v: string }[] };
    const v = rows[0]!.v;
    expect(v).toContain("'live'");
    expect(v).toContain("'necklac'");
    expect(v).not.toContain("'the'");
    expect(v).toContain(`'u${userId.replace(/-/g, '')}'`);
  });

  it('rolls back to the simple tsvectors and forward again', async () => {
    await db.knex.migrate.down({ name: '20261201200000_memory_search' });
    expect(await columns('messages')).toEqual(['content_tsv']);
    expect(await columns('memories')).toEqual(['text_tsv']);
    await db.knex.migrate.latest();
    expect(await columns('messages')).toEqual(['search_tsv']);
    expect(await columns('memories')).toEqual(['search_tsv']);
  });
});
