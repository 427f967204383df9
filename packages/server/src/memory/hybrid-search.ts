import type { Knex } from 'knex';
import { toVectorLiteral } from './embedder.js';

/** Which retrievers take part; `hybrid` fuses both (the default), the others exist for the eval. */
export type SearchMode = 'hybrid' | 'vector' | 'text';

export interface Owner {
  tenantId: string;
  userId: string;
}

/** One row found by either retriever, with its rank in each (1 = best). */
export interface Candidate {
  source: 'memory' | 'message';
  id: string;
  text: string;
  kind: string | null;
  importance: number;
  slot: string | null;
  createdAt: Date;
  /** Last time the memory was used or changed: the clock for recency decay. */
  lastUsedAt: Date;
  sourceMessageIds: string[];
  conversationId: string | null;
  role: string | null;
  vectorRank: number | null;
  similarity: number | null;
  textRank: number | null;
}

export interface SearchRequest {
  vector: number[] | null;
  tsquery: string | null;
  /** Candidates per retriever. */
  k: number;
  /** Also search the user's messages in other conversations. */
  messages?: { excludeConversationId: string | null; k: number };
}

const LIVE = `invalidated_at is null and (expires_at is null or expires_at > now())`;
const NONE = `select null::uuid as id, null::int as r, null::float8 as sim where false`;

/**
 * Both retrievers for one user in one statement: one round trip. Filtered
 * HNSW scans rely on `hnsw.iterative_scan`, set per connection in db/connect.ts.
 */
export async function searchCandidates(
  knex: Knex,
  owner: Owner,
  req: SearchRequest,
): Promise<Candidate[]> {
  const b: unknown[] = [];
  const vec = req.vector ? toVectorLiteral(req.vector) : null;
  const ctes: string[] = [];

  if (vec) {
    b.push(vec, owner.tenantId, owner.userId, req.k);
    ctes.push(`mv as (select id, (row_number() over (order by d))::int as r, 1 - d as sim from (
      select id, embedding <=> ?::vector as d from memories
       where tenant_id = ? and user_id = ? and ${LIVE} and embedding is not null
       order by d limit ?) x)`);
  } else ctes.push(`mv as (${NONE})`);
  if (req.tsquery) {
    b.push(req.tsquery, owner.tenantId, owner.userId, req.k);
    ctes.push(`mf as (select id, (row_number() over (order by rank desc, id))::int as r from (
      select id, ts_rank_cd(text_tsv, q) as rank from memories, to_tsquery('simple', ?) q
       where tenant_id = ? and user_id = ? and ${LIVE} and text_tsv @@ q
       order by rank desc limit ?) y)`);
  } else ctes.push(`mf as (${NONE})`);

  const m = req.messages;
  if (m && vec) {
    b.push(vec, owner.tenantId, owner.userId, m.excludeConversationId, m.k);
    ctes.push(`gv as (select id, (row_number() over (order by d))::int as r, 1 - d as sim from (
      select id, embedding <=> ?::vector as d from messages
       where tenant_id = ? and user_id = ? and embedding is not null
         and conversation_id is distinct from ?::uuid
       order by d limit ?) x)`);
  } else ctes.push(`gv as (${NONE})`);
  if (m && req.tsquery) {
    b.push(req.tsquery, owner.tenantId, owner.userId, m.excludeConversationId, m.k);
    ctes.push(`gf as (select id, (row_number() over (order by rank desc, id))::int as r from (
      select id, ts_rank_cd(content_tsv, q) as rank from messages, to_tsquery('simple', ?) q
       where tenant_id = ? and user_id = ? and embedding is not null
         and conversation_id is distinct from ?::uuid and content_tsv @@ q
       order by rank desc limit ?) y)`);
  } else ctes.push(`gf as (${NONE})`);

  b.push(owner.tenantId, owner.userId, owner.tenantId, owner.userId);
  const sql = `with ${ctes.join(',\n')}
    select 'memory' as source, t.id, t.text, t.kind, t.importance, t.slot, t.created_at,
           greatest(t.updated_at, t.last_accessed_at) as last_used_at, t.source_message_ids,
           null::uuid as conversation_id, null::text as role, mv.r as vr, mv.sim, mf.r as fr
      from memories t left join mv on mv.id = t.id left join mf on mf.id = t.id
     where t.id in (select id from mv union select id from mf) and t.tenant_id = ? and t.user_id = ?
    union all
    select 'message', g.id, g.content, null, null, null, g.created_at, g.created_at, null,
           g.conversation_id, g.role, gv.r, gv.sim, gf.r
      from messages g left join gv on gv.id = g.id left join gf on gf.id = g.id
     where g.id in (select id from gv union select id from gf) and g.tenant_id = ? and g.user_id = ?`;

  // hnsw.iterative_scan is set on every connection (db/connect.ts).
  const { rows } = (await knex.raw(sql, b as Knex.RawBinding[])) as {
    rows: Record<string, unknown>[];
  };
  return rows.map(toCandidate);
}

function toCandidate(r: Record<string, unknown>): Candidate {
  const ids = r.source_message_ids;
  return {
    source: r.source as Candidate['source'],
    id: r.id as string,
    text: r.text as string,
    kind: (r.kind as string | null) ?? null,
    importance: r.importance == null ? 0.4 : Number(r.importance),
    slot: (r.slot as string | null) ?? null,
    createdAt: new Date(r.created_at as string),
    lastUsedAt: new Date(r.last_used_at as string),
    sourceMessageIds:
      typeof ids === 'string' ? (JSON.parse(ids) as string[]) : ((ids as string[]) ?? []),
    conversationId: (r.conversation_id as string | null) ?? null,
    role: (r.role as string | null) ?? null,
    vectorRank: r.vr == null ? null : Number(r.vr),
    similarity: r.sim == null ? null : Number(r.sim),
    textRank: r.fr == null ? null : Number(r.fr),
  };
}
