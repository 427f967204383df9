import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { ToolOutcome } from '../tools/runtime/tool-outcome.js';
import type { Fence } from './turn-statements.js';

const MAX_STORED_JSON = 64 * 1024;

/** Keeps huge results out of the audit table while still saying what happened. */
function storable(value: unknown): string {
  const text = JSON.stringify(value ?? null);
  return text.length <= MAX_STORED_JSON
    ? text
    : JSON.stringify({ truncated: true, preview: text.slice(0, 2000) });
}

/**
 * Persists one round of tool calls: a `tool` message per call (its seq is
 * the seq of its `tool.completed` event) and its `tool_executions` row. Runs
 * only while this turn still holds the conversation's lease (the row lock
 * taken by the check keeps it so until the commit); false when it does not.
 */
export async function recordToolRound(
  knex: Knex,
  fence: Fence,
  outcomes: { outcome: ToolOutcome; seq: number }[],
): Promise<boolean> {
  if (outcomes.length === 0) return true;
  const owner = { tenant_id: fence.tenantId, user_id: fence.userId };
  return knex.transaction(async (trx) => {
    const held = await trx('conversations')
      .where({ id: fence.conversationId, ...owner, lease_token: fence.leaseToken })
      .forUpdate()
      .first('id');
    if (!held) return false;
    const rows = outcomes.map(({ outcome: o, seq }) => ({ id: randomUUID(), o, seq }));
    await trx('messages').insert(
      rows.map(({ id, o, seq }) => ({
        ...owner,
        conversation_id: fence.conversationId,
        id,
        role: 'tool',
        content: o.content,
        status: 'complete',
        seq,
        tool_call_id: o.call.id,
        metadata: JSON.stringify({ name: o.call.name, status: o.status }),
      })),
    );
    await trx('tool_executions').insert(
      rows.map(({ id, o }) => ({
        ...owner,
        conversation_id: fence.conversationId,
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
    await trx('conversations')
      .where({ id: fence.conversationId, ...owner })
      .update({
        last_seq: trx.raw('greatest(last_seq, ?)', [Math.max(...rows.map((r) => r.seq))]),
      });
    return true;
  });
}
