import type { Message } from '@parley/sdk/protocol';
import type { Knex } from 'knex';
import { scope } from '../db/scoped.js';
import { toMessage } from '../http/dto.js';
import type { ChatMessage } from '../providers/provider.js';

/**
 * The turn's database work, each step one round trip (CTEs), because every
 * round trip before the first token is paid by the user. Every statement is
 * built from the owner's scope (db/scoped.ts): tenant and user always apply.
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
  const own = scope(knex, m);
  const rows = await knex
    .with(
      'm',
      own
        .insert('messages', {
          id: m.id,
          conversation_id: m.conversationId,
          role: 'user',
          content: m.content,
          status: 'complete',
          seq: m.seq,
          client_message_id: m.clientMessageId,
        })
        .returning('*'),
    )
    .with(
      'c',
      own
        .conversations()
        .where('conversations.id', m.conversationId)
        .update({
          last_seq: m.seq,
          updated_at: knex.fn.now(),
          title: knex.raw('coalesce(title, ?)', [title]),
        }),
    )
    .select('*')
    .from('m');
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
  const own = scope(knex, m);
  const rows = await knex
    .with(
      'm',
      own
        .insert('messages', {
          id: m.id,
          conversation_id: m.conversationId,
          role: 'assistant',
          content: m.content,
          status: m.status,
          seq: m.seq,
          provider: m.provider,
          model: m.model,
          offline: m.offline,
          input_tokens: m.inputTokens,
          output_tokens: m.outputTokens,
          cost_usd: m.costUsd,
          tool_calls: m.toolCalls == null ? null : JSON.stringify(m.toolCalls),
        })
        .returning('*'),
    )
    .with(
      'c',
      own
        .conversations()
        .where('conversations.id', m.conversationId)
        .update({
          last_seq: knex.raw('greatest(last_seq, ?)', [m.seq]),
          updated_at: knex.fn.now(),
        }),
    )
    .with(
      'u',
      own
        .insert('usage', {
          day: knex.raw("(now() at time zone 'utc')::date"),
          messages: 1,
          input_tokens: m.inputTokens ?? 0,
          output_tokens: m.outputTokens ?? 0,
          cost_usd: m.costUsd ?? 0,
        })
        .onConflict(['tenant_id', 'user_id', 'day'])
        .merge({
          messages: knex.raw('usage.messages + 1'),
          input_tokens: knex.raw('usage.input_tokens + excluded.input_tokens'),
          output_tokens: knex.raw('usage.output_tokens + excluded.output_tokens'),
          cost_usd: knex.raw('usage.cost_usd + excluded.cost_usd'),
        }),
    )
    .select('*')
    .from('m');
  return toMessage(rows[0]);
}

/** Records a seq that was used by events but produced no message (a failed turn). */
export async function advanceSeq(
  knex: Knex,
  turn: { tenantId: string; userId: string; conversationId: string },
  seq: number,
): Promise<void> {
  await scope(knex, turn)
    .conversations()
    .where('conversations.id', turn.conversationId)
    .update({ last_seq: knex.raw('greatest(last_seq, ?)', [seq]), updated_at: knex.fn.now() });
}

const HISTORY_ROWS = 40;

/** Recent history, newest last, within an approximate token budget (4 chars ≈ 1 token). */
export async function loadHistory(
  knex: Knex,
  turn: { tenantId: string; userId: string; conversationId: string },
  /** This turn's user message seq: it is inserted concurrently and must not appear twice. */
  beforeSeq: number,
  tokenBudget = 6000,
): Promise<ChatMessage[]> {
  const rows: { role: string; content: string }[] = await scope(knex, turn)
    .messages(turn.conversationId)
    .where('seq', '<', beforeSeq)
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
