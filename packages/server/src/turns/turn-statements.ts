import type { Message } from '@parley/sdk/protocol';
import type { SqlClient } from '../db/sql-client.js';
import { statement } from '../db/sql-client.js';
import { toMessage } from '../http/dto.js';
import type { ChatMessage } from '../providers/provider.js';

/**
 * The turn's SQL: three statements, each one round trip, each scoped to the
 * owner and (after the first) fenced by the lease token, so a process that
 * lost its lease cannot write into a conversation someone else now owns.
 */

const BEGIN = statement(
  'turn_begin_v1',
  `with conv as (
     select id from conversations where id = $1::uuid and tenant_id = $2::uuid and user_id = $3::uuid
   ),
   dup as (
     select id from messages
     where $4::text is not null and conversation_id = $1 and tenant_id = $2 and user_id = $3
       and client_message_id = $4
     limit 1
   ),
   lease as (
     update conversations c set
       lease_token = c.lease_token + 1,
       lease_owner = $5::text,
       lease_until = now() + $6::int * interval '1 millisecond',
       last_seq = greatest(c.last_seq, c.seq_ceiling) + 1,
       seq_ceiling = greatest(c.last_seq, c.seq_ceiling) + $7::int,
       title = coalesce(c.title, $8::text),
       updated_at = now()
     where c.id = $1 and c.tenant_id = $2 and c.user_id = $3
       and (c.lease_until is null or c.lease_until < now())
       and not exists (select 1 from dup)
     returning c.lease_token, c.last_seq, c.seq_ceiling
   ),
   stale as (
     update messages set status = 'incomplete'
     where conversation_id = $1 and tenant_id = $2 and user_id = $3 and status = 'streaming'
       and exists (select 1 from lease)
     returning id
   ),
   msg as (
     insert into messages (id, tenant_id, user_id, conversation_id, role, content, status, seq, client_message_id)
     select $9::uuid, $2, $3, $1, 'user', $10::text, 'complete', lease.last_seq, $4 from lease
     returning *
   ),
   answer as (
     insert into messages (id, tenant_id, user_id, conversation_id, role, content, status, seq)
     select $11::uuid, $2, $3, $1, 'assistant', '', 'streaming', lease.seq_ceiling from lease
     returning id
   ),
   history as (
     select role, content from messages
     where conversation_id = $1 and tenant_id = $2 and user_id = $3
       and role in ('user', 'assistant') and content <> '' and status <> 'streaming'
       and exists (select 1 from lease)
     order by seq desc
     limit $12::int
   )
   select exists (select 1 from conv) as found,
          (select id from dup) as duplicate_id,
          (select row_to_json(lease) from lease) as lease,
          (select row_to_json(msg) from msg) as message,
          (select count(*) from answer) as answers,
          (select count(*) from stale) as stale,
          (select coalesce(json_agg(h), '[]'::json) from history h) as history`,
);

export interface BeginInput {
  conversationId: string;
  tenantId: string;
  userId: string;
  clientMessageId: string | null;
  instanceId: string;
  leaseMs: number;
  seqBlock: number;
  content: string;
  userMessageId: string;
  responseId: string;
  historyRows: number;
}

export type BeginResult =
  | { kind: 'not_found' }
  | { kind: 'duplicate'; messageId: string }
  | { kind: 'busy' }
  | {
      kind: 'started';
      leaseToken: string;
      /** The user message's seq: the turn's events continue from here. */
      userSeq: number;
      seqCeiling: number;
      userMessage: Message;
      /** Newest first, raw rows; see historyFor. */
      history: { role: string; content: string }[];
    };

interface BeginRow {
  found: boolean;
  duplicate_id: string | null;
  lease: {
    lease_token: string | number;
    last_seq: string | number;
    seq_ceiling: string | number;
  } | null;
  message: Record<string, unknown> | null;
  history: { role: string; content: string }[];
}

/**
 * Ownership, the clientMessageId check, the lease (one turn at a time), a
 * block of seqs, the user message, the answer's `streaming` row and the
 * history, in one statement.
 */
export async function beginTurn(sql: SqlClient, b: BeginInput): Promise<BeginResult> {
  const title = b.content.replace(/\s+/g, ' ').trim().slice(0, 80);
  const [row] = await sql.query<BeginRow>(BEGIN, [
    b.conversationId,
    b.tenantId,
    b.userId,
    b.clientMessageId,
    b.instanceId,
    b.leaseMs,
    b.seqBlock,
    title,
    b.userMessageId,
    b.content,
    b.responseId,
    b.historyRows,
  ]);
  if (!row?.found) return { kind: 'not_found' };
  if (row.duplicate_id) return { kind: 'duplicate', messageId: row.duplicate_id };
  if (!row.lease || !row.message) return { kind: 'busy' };
  return {
    kind: 'started',
    leaseToken: String(row.lease.lease_token),
    userSeq: Number(row.lease.last_seq),
    seqCeiling: Number(row.lease.seq_ceiling),
    userMessage: toMessage(row.message),
    history: row.history,
  };
}

/** Recent history, oldest first, within an approximate token budget (4 chars ≈ 1 token). */
export function historyFor(
  newestFirst: { role: string; content: string }[],
  tokenBudget: number,
): ChatMessage[] {
  const out: ChatMessage[] = [];
  let budget = tokenBudget * 4;
  for (const r of newestFirst) {
    budget -= r.content.length;
    if (budget < 0) break;
    out.push({ role: r.role as 'user' | 'assistant', content: r.content });
  }
  return out.reverse();
}

const RENEW = statement(
  'turn_renew_v1',
  `with c as (
     update conversations set
       lease_until = now() + $5::int * interval '1 millisecond',
       seq_ceiling = seq_ceiling + $7::int
     where id = $1::uuid and tenant_id = $2::uuid and user_id = $3::uuid and lease_token = $4::bigint
     returning seq_ceiling
   ),
   m as (
     update messages set content = content || $8::text, seq = (select seq_ceiling from c)
     where id = $6::uuid and tenant_id = $2 and user_id = $3 and exists (select 1 from c)
     returning id
   )
   select (select seq_ceiling from c) as seq_ceiling, (select count(*) from m) as checkpointed`,
);

export interface Fence {
  conversationId: string;
  tenantId: string;
  userId: string;
  leaseToken: string;
  responseId: string;
}

/**
 * Keeps the lease, appends the text streamed since the last checkpoint to
 * the answer's row, and extends the seq block when asked. Null: the lease is
 * lost (it expired and someone else took the conversation).
 */
export async function renewLease(
  sql: SqlClient,
  f: Fence,
  leaseMs: number,
  extendSeqBy: number,
  textSinceCheckpoint: string,
): Promise<{ seqCeiling: number } | null> {
  const [row] = await sql.query<{ seq_ceiling: string | number | null }>(RENEW, [
    f.conversationId,
    f.tenantId,
    f.userId,
    f.leaseToken,
    leaseMs,
    f.responseId,
    extendSeqBy,
    textSinceCheckpoint,
  ]);
  return row?.seq_ceiling == null ? null : { seqCeiling: Number(row.seq_ceiling) };
}

const FINISH = statement(
  'turn_finish_v1',
  `with c as (
     update conversations set
       last_seq = greatest(last_seq, $8::bigint), seq_ceiling = greatest(last_seq, $8::bigint),
       lease_until = null, updated_at = now()
     where id = $1::uuid and tenant_id = $2::uuid and user_id = $3::uuid and lease_token = $4::bigint
     returning id
   ),
   m as (
     update messages set
       content = $6::text, status = $7::text, seq = $8::bigint, provider = $9::text,
       model = $10::text, offline = $11::boolean, input_tokens = $12::int,
       output_tokens = $13::int, cost_usd = $14::numeric, tool_calls = $15::jsonb
     where id = $5::uuid and tenant_id = $2 and user_id = $3 and $16::boolean
       and exists (select 1 from c)
     returning *
   ),
   d as (
     delete from messages
     where id = $5::uuid and tenant_id = $2 and user_id = $3 and not $16::boolean
       and exists (select 1 from c)
     returning id
   ),
   u as (
     insert into usage (tenant_id, user_id, day, messages, input_tokens, output_tokens, cost_usd)
     select $2, $3, (now() at time zone 'utc')::date, 1, coalesce($12, 0), coalesce($13, 0), coalesce($14, 0)
     from m
     on conflict (tenant_id, user_id, day) do update set
       messages = usage.messages + 1,
       input_tokens = usage.input_tokens + excluded.input_tokens,
       output_tokens = usage.output_tokens + excluded.output_tokens,
       cost_usd = usage.cost_usd + excluded.cost_usd
     returning 1
   )
   select exists (select 1 from c) as fenced, (select row_to_json(m) from m) as message,
          (select count(*) from u) as usage_rows`,
);

export interface FinishInput {
  text: string;
  status: 'complete' | 'incomplete' | 'failed';
  /** False: nothing worth keeping (failed before any text): the streaming row goes. */
  keep: boolean;
  seq: number;
  provider: string | null;
  model: string | null;
  offline: boolean;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  toolCalls: unknown;
}

/**
 * Stores the answer (or removes its row), the usage, the conversation's
 * last seq, and releases the lease: one statement, fenced. `fenced: false`
 * means the lease was lost and nothing was written.
 */
export async function finishTurn(
  sql: SqlClient,
  f: Fence,
  r: FinishInput,
): Promise<{ fenced: boolean; message: Message | null }> {
  const [row] = await sql.query<{ fenced: boolean; message: Record<string, unknown> | null }>(
    FINISH,
    [
      f.conversationId,
      f.tenantId,
      f.userId,
      f.leaseToken,
      f.responseId,
      r.text,
      r.status,
      r.seq,
      r.provider,
      r.model,
      r.offline,
      r.inputTokens,
      r.outputTokens,
      r.costUsd,
      r.toolCalls == null ? null : JSON.stringify(r.toolCalls),
      r.keep,
    ],
  );
  return {
    fenced: Boolean(row?.fenced),
    message: row?.message ? toMessage(row.message) : null,
  };
}
