import type { ClientFrame, ParleyEvent } from '@parley/sdk/protocol';
import type { EventSink } from '../agent/event-sink.js';
import { prepareTurn, streamTurn } from '../agent/run-turn.js';
import { DomainError, invalid, notFound } from '../errors/domain-error.js';
import { isUuid } from '../routes/admin-tenants.js';
import { answerToolApproval, submitClientToolResult } from '../tools/runtime/answer-tool-calls.js';
import type { WsIdentity } from './ws-auth.js';
import type { WsConnection } from './ws-connection.js';

type SendFrame = Extract<ClientFrame, { type: 'message.send' }>;
type ToolFrame = Extract<ClientFrame, { type: 'tool.result' | 'tool.approval' }>;

/**
 * `message.send`: the same turn as the SSE route, streamed into the socket.
 * Refusals from prepareTurn (not found, busy, duplicate) throw before any
 * event and become an error frame carrying the frame's `ref`.
 */
export async function runTurn(
  conn: WsConnection,
  user: WsIdentity,
  frame: SendFrame,
): Promise<void> {
  if (conn.inFlight >= conn.limits.maxInFlight) {
    throw new DomainError(
      'rate_limited',
      `At most ${conn.limits.maxInFlight} responses can stream at once on one connection`,
      { limit: conn.limits.maxInFlight },
    );
  }
  if (!isUuid(frame.conversationId)) throw notFound('Conversation');
  if (conn.preparing.has(frame.conversationId) || conn.turns.has(frame.conversationId)) {
    throw new DomainError(
      'conversation_busy',
      'A response is already being generated in this conversation',
    );
  }
  conn.inFlight++;
  let last: ParleyEvent | undefined;
  const pending = { cancelled: false };
  conn.preparing.set(frame.conversationId, pending);
  let done!: () => void;
  const running = new Promise<void>((resolve) => (done = resolve));
  conn.running.add(running);
  try {
    const { services } = conn;
    const turn = await prepareTurn(services, {
      tenantId: user.tenantId,
      userId: user.userId,
      conversationId: frame.conversationId,
      content: frame.content,
      clientMessageId: frame.clientMessageId ?? null,
      clientTools: frame.clientTools,
    }).finally(() => {
      if (conn.preparing.get(frame.conversationId) === pending) {
        conn.preparing.delete(frame.conversationId);
      }
    });
    if (conn.closed || pending.cancelled) {
      await turn.release(); // nobody is listening, or it was cancelled before it began
      return;
    }
    const controller = services.activeTurns.start(frame.conversationId);
    conn.turns.set(frame.conversationId, controller);
    const sink: EventSink = {
      emit: (e) => {
        if (e.type === 'response.completed' || e.type === 'response.failed') last = e;
        else conn.sink.emit(e);
      },
    };
    try {
      await streamTurn(services, turn, sink, controller.signal);
    } catch {
      // Already reported in-band as response.failed and logged by streamTurn.
    } finally {
      services.activeTurns.finish(frame.conversationId, controller);
      if (conn.turns.get(frame.conversationId) === controller) {
        conn.turns.delete(frame.conversationId);
      }
    }
  } finally {
    conn.inFlight--;
    conn.running.delete(running);
    done();
    // The turn's last event leaves only now that its lock and slot are free,
    // so a client may send the next message the moment it sees it.
    if (last) conn.sink.emit(last);
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
  const preparing = conn.preparing.get(conversationId);
  if (preparing) preparing.cancelled = true; // checked once the turn is prepared: it never starts
  if (!conn.turns.has(conversationId)) {
    if (!isUuid(conversationId)) throw notFound('Conversation');
    const own = await conn.services
      .knex('conversations')
      .where({ id: conversationId, tenant_id: user.tenantId, user_id: user.userId })
      .first('id');
    if (!own) throw notFound('Conversation');
  }
  // Nothing running is fine: the answer may have finished while the cancel was in flight.
  conn.services.activeTurns.cancel(conversationId);
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
