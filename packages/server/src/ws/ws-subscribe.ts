import type { ClientFrame } from '@parley/sdk/protocol';
import type { WsIdentity } from './ws-auth.js';
import type { WsConnection } from './ws-connection.js';

type SubscribeFrame = Extract<ClientFrame, { type: 'subscribe' }>;

/**
 * `subscribe {conversationId, afterSeq}`: every event after `afterSeq` —
 * stored messages, then a `subscribed` frame, then the live events of the
 * conversation's running turn and of every later one, wherever they run —
 * each once, in seq order, until the socket closes.
 */
export async function subscribe(
  conn: WsConnection,
  user: WsIdentity,
  frame: SubscribeFrame,
): Promise<void> {
  const { conversationId } = frame;
  await conn.subscriptions.get(conversationId)?.stop();
  // Asked again from an earlier seq: those events may be sent again.
  conn.sink.resetSeq(conversationId, frame.afterSeq ?? 0);
  const following = await conn.services.turns.watch(
    user,
    conversationId,
    frame.afterSeq ?? 0,
    conn.sink,
    (lastSeq) =>
      conn.sink.send({ type: 'subscribed', conversationId, lastSeq, more: false, ref: frame.ref }),
  );
  conn.subscriptions.set(conversationId, following);
  void following.done.finally(() => {
    if (conn.subscriptions.get(conversationId) === following) {
      conn.subscriptions.delete(conversationId);
    }
  });
}
