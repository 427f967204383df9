import type { ClientFrame } from '@parley/sdk/protocol';
import { toMessage } from '../http/dto.js';
import { notFound } from '../errors/domain-error.js';
import { isUuid } from '../routes/admin-tenants.js';
import type { WsIdentity } from './ws-auth.js';
import type { WsConnection } from './ws-connection.js';

type SubscribeFrame = Extract<ClientFrame, { type: 'subscribe' }>;

const REPLAY_LIMIT = 200;

/**
 * `subscribe {conversationId, afterSeq}`: replays the stored messages after
 * `afterSeq` as `message.created` events, then a `subscribed` frame. Only
 * persisted messages replay; live events of a turn running elsewhere arrive
 * with the Redis-stream resumability that comes later.
 */
export async function replay(
  conn: WsConnection,
  user: WsIdentity,
  frame: SubscribeFrame,
): Promise<void> {
  const { knex } = conn.services;
  if (!isUuid(frame.conversationId)) throw notFound('Conversation');
  const scope = { tenant_id: user.tenantId, user_id: user.userId };
  const conv = await knex('conversations')
    .where({ id: frame.conversationId, ...scope })
    .first('id');
  if (!conv) throw notFound('Conversation');
  const rows = await knex('messages')
    .where({ conversation_id: conv.id, ...scope })
    .where('seq', '>', frame.afterSeq ?? 0)
    .whereNot('status', 'streaming')
    .orderBy('seq', 'asc')
    .limit(REPLAY_LIMIT + 1);
  const more = rows.length > REPLAY_LIMIT;
  if (more) rows.pop();
  let lastSeq = frame.afterSeq ?? 0;
  for (const row of rows) {
    const message = toMessage(row);
    lastSeq = message.seq;
    conn.sink.emit({ type: 'message.created', conversationId: conv.id, seq: message.seq, message });
  }
  conn.sink.send({ type: 'subscribed', conversationId: conv.id, lastSeq, more, ref: frame.ref });
}
