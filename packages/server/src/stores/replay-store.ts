import type { Message } from '@parley/sdk/protocol';
import type { Knex } from 'knex';
import type { Owner } from '../db/scoped.js';
import { scope } from '../db/scoped.js';
import { toMessage } from '../http/dto.js';

/** Where a conversation's latest turn is, as the database knows it. */
export interface TurnState {
  /** Instance that ran (or runs) the latest turn; null before the first. */
  instanceId: string | null;
  /** Its lease is still held: the turn is in flight there. */
  live: boolean;
  /** Its lease ended within the retention window: the runner may still have its events. */
  recent: boolean;
  /** Seq of the latest user message: the first event of the latest turn. */
  latestUserSeq: number | null;
}

/**
 * What a reconnecting client missed, from the database: stored messages
 * after a seq, and where the latest turn runs. Scoped to one owner; someone
 * else's conversation reads as missing (null).
 */
export function replayStore(db: Knex, owner: Owner, retentionMs: number) {
  const own = scope(db, owner);
  return {
    async turnState(conversationId: string): Promise<TurnState | null> {
      const row = await own
        .conversations()
        .where('conversations.id', conversationId)
        .first(
          'lease_owner',
          db.raw('coalesce(lease_until > now(), false) as live'),
          db.raw(`updated_at > now() - ? * interval '1 millisecond' as recent`, [retentionMs]),
          db.raw(
            `(select max(seq) from messages m where m.conversation_id = conversations.id
              and m.role = 'user') as latest_user_seq`,
          ),
        );
      if (!row) return null;
      return {
        instanceId: row.lease_owner ?? null,
        live: Boolean(row.live),
        recent: Boolean(row.recent),
        latestUserSeq: row.latest_user_seq == null ? null : Number(row.latest_user_seq),
      };
    },

    /**
     * Stored messages with afterSeq < seq < beforeSeq, oldest first, at most
     * `limit`. An answer still being written is not a message yet; one whose
     * turn died (its lease lapsed) is shown as the incomplete answer it is.
     */
    async messages(
      conversationId: string,
      afterSeq: number,
      beforeSeq: number | null,
      limit: number,
    ): Promise<Message[]> {
      const q = own
        .messages(conversationId)
        .join('conversations', 'conversations.id', 'messages.conversation_id')
        .where('messages.seq', '>', afterSeq)
        .where((w) =>
          w
            .whereNot('messages.status', 'streaming')
            .orWhereRaw('coalesce(conversations.lease_until < now(), true)'),
        )
        .orderBy('messages.seq', 'asc')
        .limit(limit)
        .select('messages.*');
      if (beforeSeq !== null) q.where('messages.seq', '<', beforeSeq);
      const rows: Record<string, unknown>[] = await q;
      return rows.map((r) =>
        toMessage(r.status === 'streaming' ? { ...r, status: 'incomplete' } : r),
      );
    },
  };
}

export type ReplayStore = ReturnType<typeof replayStore>;
