import type { Knex } from 'knex';
import type { Owner } from './owner.js';

/** The writes behind the user-facing memory API, each scoped to one owner. */

/** Deletes a memory and the history it replaced (older versions of the same fact). */
export async function deleteMemoryChain(knex: Knex, owner: Owner, id: string): Promise<number> {
  const { rows } = (await knex.raw(
    `with recursive chain as (
       select id from memories where id = ? and tenant_id = ? and user_id = ?
       union
       select m.id from memories m join chain c on m.superseded_by = c.id
        where m.tenant_id = ? and m.user_id = ?
     )
     delete from memories where id in (select id from chain) returning id`,
    [id, owner.tenantId, owner.userId, owner.tenantId, owner.userId],
  )) as { rows: unknown[] };
  return rows.length;
}

/**
 * "Forget everything": every memory row (history too) and the message
 * embeddings that let past conversations be recalled. The conversations
 * themselves stay; deleting those is the conversation API's job.
 */
export async function forgetEverything(
  knex: Knex,
  owner: Owner,
): Promise<{ memories: number; messageEmbeddings: number }> {
  return knex.transaction(async (trx) => {
    // `returning` gives the same answer on node-postgres and PGlite (whose counts differ in shape).
    const memories = await trx('memories')
      .where({ tenant_id: owner.tenantId, user_id: owner.userId })
      .delete()
      .returning('id');
    const messages = await trx('messages')
      .where({ tenant_id: owner.tenantId, user_id: owner.userId })
      .whereNotNull('embedding')
      .update({ embedding: null })
      .returning('id');
    return { memories: memories.length, messageEmbeddings: messages.length };
  });
}

/** Tables holding a user's rows; all cascade from `users`. */
const USER_TABLES = [
  'sessions',
  'preferences',
  'conversations',
  'messages',
  'memories',
  'tool_executions',
  'uploaded_files',
  'analytics_events',
  'usage',
] as const;

/**
 * GDPR erase: counts what the user has, then deletes the user row, which
 * cascades to every table above (embeddings live in those rows). Null when
 * the user is not in this tenant.
 */
export async function eraseUser(knex: Knex, owner: Owner): Promise<Record<string, number> | null> {
  return knex.transaction(async (trx) => {
    const user = await trx('users')
      .where({ id: owner.userId, tenant_id: owner.tenantId })
      .forUpdate()
      .first('id');
    if (!user) return null;
    const counts: Record<string, number> = {};
    for (const table of USER_TABLES) {
      const [row] = await trx(table).where({ user_id: owner.userId }).count({ n: '*' });
      counts[table] = Number(row?.n ?? 0);
    }
    const [emb] = await trx
      .raw(
        `select (select count(*) from messages where user_id = ? and embedding is not null)
            + (select count(*) from memories where user_id = ? and embedding is not null) as n`,
        [owner.userId, owner.userId],
      )
      .then((r: { rows: { n: string | number }[] }) => r.rows);
    counts.embeddings = Number(emb?.n ?? 0);
    await trx('users').where({ id: owner.userId, tenant_id: owner.tenantId }).delete();
    counts.users = 1;
    return counts;
  });
}
