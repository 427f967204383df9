import type { ClientFrame } from '@parley/sdk/protocol';
import { DomainError, invalid, notFound } from '../errors/domain-error.js';
import { answerToolApproval, submitClientToolResult } from '../tools/runtime/answer-tool-calls.js';
import type { WsIdentity } from './ws-auth.js';
import type { WsConnection } from './ws-connection.js';

type SendFrame = Extract<ClientFrame, { type: 'message.send' }>;
type ToolFrame = Extract<ClientFrame, { type: 'tool.result' | 'tool.approval' }>;

/**
 * `message.send`: the same turn as the SSE route, its events sent to this
 * socket. Refusals from the runner (not found, busy, duplicate, limits)
 * throw before any event and become an error frame carrying the frame's `ref`.
 */
export async function runTurn(
  conn: WsConnection,
  user: WsIdentity,
  frame: SendFrame,
): Promise<void> {
  const { conversationId } = frame;
  if (conn.inFlight >= conn.limits.maxInFlight) {
    throw new DomainError(
      'rate_limited',
      `At most ${conn.limits.maxInFlight} responses can stream at once on one connection`,
      { limit: conn.limits.maxInFlight },
    );
  }
  if (conn.preparing.has(conversationId) || conn.turns.has(conversationId)) {
    throw new DomainError(
      'conversation_busy',
      'A response is already being generated in this conversation',
    );
  }
  conn.inFlight++;
  const pending = new AbortController();
  conn.preparing.set(conversationId, pending);
  let done!: () => void;
  conn.running.add(new Promise<void>((resolve) => (done = resolve)));
  try {
    const turn = await conn.services.turns
      .start(
        {
          tenantId: user.tenantId,
          userId: user.userId,
          conversationId,
          content: frame.content,
          clientMessageId: frame.clientMessageId ?? null,
          clientTools: frame.clientTools,
        },
        pending.signal,
      )
      .finally(() => conn.preparing.delete(conversationId));
    conn.turns.set(conversationId, turn);
    const unsubscribe = turn.events.subscribe(conn.sink);
    // Cancelled after the point of no return, or nobody is listening any more.
    if (pending.signal.aborted) turn.cancel();
    else if (conn.closed) turn.clientGone(conn.sink);
    try {
      await turn.done;
    } finally {
      unsubscribe();
      if (conn.turns.get(conversationId) === turn) conn.turns.delete(conversationId);
    }
  } finally {
    conn.inFlight--;
    done();
  }
}

/**
 * `response.cancel`: stops the conversation's running turn; the partial answer
 * is stored as incomplete and the stream ends with `response.failed` (cancelled).
 * Only the conversation's owner may cancel; anyone else gets not_found.
 */
export async function cancelTurn(
  conn: WsConnection,
  user: WsIdentity,
  conversationId: string,
): Promise<void> {
  conn.preparing.get(conversationId)?.abort(); // a turn being prepared never starts
  // Here or on the instance that runs it. Nothing running is fine (it may have just
  // finished) — but only for the owner: anyone else's conversation is not found.
  await conn.services.turns.cancel(user, conversationId);
}

/**
 * `tool.approval` / `tool.result`: answers a paused turn, wherever it runs.
 * A call that is not waiting for this user (unknown, answered, another
 * user's) is not_found.
 */
export async function answerTool(
  conn: WsConnection,
  user: WsIdentity,
  frame: ToolFrame,
): Promise<void> {
  let ok: boolean;
  if (frame.type === 'tool.approval') {
    ok = await answerToolApproval(conn.services, user, frame.toolCallId, frame.approved);
  } else {
    if ('result' in frame === (frame.error !== undefined)) {
      throw invalid('Send exactly one of result or error', [
        { path: '/', message: 'needs exactly one of result, error' },
      ]);
    }
    ok = await submitClientToolResult(conn.services, user, frame.toolCallId, frame);
  }
  if (!ok) throw notFound('Pending tool call');
}
