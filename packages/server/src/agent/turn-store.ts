import type { Message } from '@parley/sdk/protocol';
import type { Knex } from 'knex';
import { toMessage } from '../http/dto.js';
import type { ChatMessage } from '../providers/provider.js';

/**
 * The turn's database work, each step one round trip (CTEs), because every
 * round trip before the first token is paid by the user.
 */

export async function insertUserMessage(
  knex: Knex,
  m: {
    id: string;
    tenantId: string;
    userId: string;
    conversationId: string;
    content: string;
    seq: number;
    clientMessageId: string | null;
  },
): Promise<Message> {
  const title = m.content.replace(/\s+/g, ' ').trim().slice(0, 80);
  const { rows } = await knex.raw(
    `with m as (
       insert into messages (id, tenant_id, user_id, conversation_id, role, content, status, seq, client_message_id)
       values (?, ?, ?, ?, 'user', ?, 'complete', ?, ?)
       returning *
     ), c as (
       update conversations set last_seq = ?, updated_at = now(), title = coalesce(title, ?)
       where id = ? and tenant_id = ? and user_id = ?
     )
     select * from m`,
    [
      m.id,
      m.tenantId,
      m.userId,
      m.conversationId,
      m.content,
      m.seq,
      m.clientMessageId,
      m.seq,
      title,
      m.conversationId,
      m.tenantId,
      m.userId,
    ],
  );
  return toMessage(rows[0]);
}

export async function persistAssistantMessage(
  knex: Knex,
  m: {
    id: string;
    tenantId: string;
    userId: string;
    conversationId: string;
    content: string;
    status: 'complete' | 'incomplete' | 'failed';
    seq: number;
    provider: string | null;
    model: string | null;
    offline: boolean;
    inputTokens: number | null;
    outputTokens: number | null;
    costUsd: number | null;
    toolCalls: unknown;
  },
): Promise<Message> {
  const { rows } = await knex.raw(
    `with m as (
       insert into messages (id, tenant_id, user_id, conversation_id, role, content, status, seq, provider, model, offline, input_tokens, output_tokens, cost_usd, tool_calls)
       values (?, ?, ?, ?, 'assistant', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)
       returning *
     ), c as (
       update conversations set last_seq = greatest(last_seq, ?), updated_at = now()
       where id = ? and tenant_id = ? and user_id = ?
     ), u as (
       insert into usage (tenant_id, user_id, day, messages, input_tokens, output_tokens, cost_usd)
       values (?, ?, (now() at time zone 'utc')::date, 1, ?, ?, ?)
       on conflict (tenant_id, user_id, day) do update set
         messages = usage.messages + 1,
         input_tokens = usage.input_tokens + excluded.input_tokens,
         output_tokens = usage.output_tokens + excluded.output_tokens,
         cost_usd = usage.cost_usd + excluded.cost_usd
     )
     select * from m`,
    [
      m.id,
      m.tenantId,
      m.userId,
      m.conversationId,
      m.content,
      m.status,
      m.seq,
      m.provider,
      m.model,
      m.offline,
      m.inputTokens,
      m.outputTokens,
      m.costUsd,
      m.toolCalls == null ? null : JSON.stringify(m.toolCalls),
      m.seq,
      m.conversationId,
      m.tenantId,
      m.userId,
      m.tenantId,
      m.userId,
      m.inputTokens ?? 0,
      m.outputTokens ?? 0,
      m.costUsd ?? 0,
    ],
  );
  return toMessage(rows[0]);
}

/** Records a seq that was used by events but produced no message (a failed turn). */
export async function advanceSeq(knex: Knex, conversationId: string, seq: number): Promise<void> {
  await knex('conversations')
    .where({ id: conversationId })
    .update({ last_seq: knex.raw('greatest(last_seq, ?)', [seq]), updated_at: knex.fn.now() });
}

const HISTORY_ROWS = 40;

/** Recent history, newest last, within an approximate token budget (4 chars ≈ 1 token). */
export async function loadHistory(
  knex: Knex,
  scope: { tenantId: string; userId: string; conversationId: string },
  tokenBudget = 6000,
): Promise<ChatMessage[]> {
  const rows: { role: string; content: string }[] = await knex('messages')
    .where({
      conversation_id: scope.conversationId,
      tenant_id: scope.tenantId,
      user_id: scope.userId,
    })
    .whereIn('role', ['user', 'assistant'])
    .whereNot('content', '')
    .orderBy('seq', 'desc')
    .limit(HISTORY_ROWS)
    .select('role', 'content');
  const out: ChatMessage[] = [];
  let budget = tokenBudget * 4;
  for (const r of rows) {
    budget -= r.content.length;
    if (budget < 0) break;
    out.push({ role: r.role as 'user' | 'assistant', content: r.content });
  }
  return out.reverse();
}
