import type { Conversation, Message, Page } from '@parley/sdk/protocol';
import type { Knex } from 'knex';
import type { Owner } from '../db/scoped.js';
import { scope } from '../db/scoped.js';
import { notFound } from '../errors/domain-error.js';
import { toConversation, toMessage } from '../http/dto.js';
import { paginate } from '../routes/pagination.js';

/**
 * One user's conversations and their messages. Created for an owner, so it
 * cannot express a query about anyone else's; someone else's conversation
 * is a 404, exactly like a missing one.
 */
export interface ConversationStore {
  list(page: { limit: number; cursor?: string }): Promise<Page<Conversation>>;
  create(input: { title?: string; metadata?: object }): Promise<Conversation>;
  get(id: string): Promise<Conversation>;
  /**
   * The owner's conversation with this id, created first if there is none.
   * Null when the id is taken by someone else's conversation (a 404 to the caller).
   */
  ensure(id: string): Promise<'created' | 'existing' | null>;
  /** True when this owner has the conversation (never throws for a malformed id). */
  exists(id: string): Promise<boolean>;
  rename(id: string, title: string): Promise<Conversation>;
  remove(id: string): Promise<void>;
  messages(id: string, page: { limit: number; afterSeq?: number }): Promise<Page<Message>>;
}

export function conversationStore(db: Knex, owner: Owner): ConversationStore {
  const own = scope(db, owner);
  const get = async (id: string) => toConversation(await own.conversation(id));
  return {
    async list(q) {
      const page = await paginate(own.conversations(), q, 'updated_at');
      return { data: page.rows.map(toConversation), nextCursor: page.nextCursor };
    },
    async create(input) {
      const [row] = await own
        .insert('conversations', {
          title: input.title ?? null,
          metadata: JSON.stringify(input.metadata ?? {}),
        })
        .returning('*');
      return toConversation(row);
    },
    get,
    async ensure(id) {
      const inserted = await own
        .insert('conversations', { id, title: null, metadata: JSON.stringify({}) })
        .onConflict('id')
        .ignore()
        .returning('id');
      if (inserted.length > 0) return 'created';
      return (await own.findConversation(id, ['id'])) ? 'existing' : null;
    },
    async exists(id) {
      return (await own.findConversation(id, ['id'])) !== null;
    },
    async rename(id, title) {
      const [row] = await own
        .conversations()
        .where('conversations.id', id)
        .update({ title, updated_at: db.fn.now() })
        .returning('*');
      if (!row) throw notFound('Conversation');
      return toConversation(row);
    },
    async remove(id) {
      // Rows, not a count: the PGlite dialect does not report affected-row counts.
      const gone = await own.conversations().where('conversations.id', id).delete().returning('id');
      if (gone.length === 0) throw notFound('Conversation');
    },
    async messages(id, q) {
      await own.conversation(id, ['id']);
      // A live answer's row is not a message yet: it arrives as events, then is stored.
      const query = own
        .messages(id)
        .whereNot('status', 'streaming')
        .orderBy('seq', 'asc')
        .limit(q.limit + 1);
      if (q.afterSeq !== undefined) query.where('seq', '>', q.afterSeq);
      const rows = await query;
      const more = rows.length > q.limit;
      if (more) rows.pop();
      return {
        data: rows.map(toMessage),
        nextCursor: more ? String(rows[rows.length - 1].seq) : null,
      };
    },
  };
}
