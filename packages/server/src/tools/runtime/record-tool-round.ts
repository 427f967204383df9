import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { ToolOutcome } from './tool-outcome.js';

const MAX_STORED_JSON = 64 * 1024;

/** Keeps huge results out of the audit table while still saying what happened. */
function storable(value: unknown): string {
  const text = JSON.stringify(value ?? null);
  return text.length <= MAX_STORED_JSON
    ? text
    : JSON.stringify({ truncated: true, preview: text.slice(0, 2000) });
}

/**
 * Persists one round of tool calls in one round trip: a `tool` message per
 * call (its seq is the seq of its `tool.completed` event) and its
 * `tool_executions` row (args, result, status, duration) linked to it.
 */
export async function recordToolRound(
  knex: Knex,
  scope: { tenantId: string; userId: string; conversationId: string },
  outcomes: ToolOutcome[],
  seqOf: (toolCallId: string) => number,
): Promise<void> {
  if (outcomes.length === 0) return;
  const base = {
    tenant_id: scope.tenantId,
    user_id: scope.userId,
    conversation_id: scope.conversationId,
  };
  const rows = outcomes.map((o) => ({ id: randomUUID(), o, seq: seqOf(o.call.id) }));
  const messages = knex('messages').insert(
    rows.map(({ id, o, seq }) => ({
      ...base,
      id,
      role: 'tool',
      content: o.content,
      status: 'complete',
      seq,
      tool_call_id: o.call.id,
      metadata: JSON.stringify({ name: o.call.name, status: o.status }),
    })),
  );
  const executions = knex('tool_executions').insert(
    rows.map(({ id, o }) => ({
      ...base,
      message_id: id,
      tool_call_id: o.call.id,
      name: o.call.name,
      args: storable(o.args),
      result: o.status === 'ok' ? storable(o.result) : null,
      status: o.status,
      error: o.error,
      duration_ms: o.durationMs,
    })),
  );
  const m = messages.toSQL();
  const e = executions.toSQL();
  const maxSeq = Math.max(...rows.map((r) => r.seq));
  // Data-modifying CTEs run as one statement, so the foreign key sees the new messages.
  await knex.raw(
    `with m as (${m.sql} returning id),
     c as (update conversations set last_seq = greatest(last_seq, ?), updated_at = now()
           where id = ? and tenant_id = ? and user_id = ?)
     ${e.sql}`,
    [...m.bindings, maxSeq, scope.conversationId, scope.tenantId, scope.userId, ...e.bindings],
  );
}
