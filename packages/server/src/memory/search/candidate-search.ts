import type { Knex } from 'knex';
import { toVectorLiteral } from '../embedder.js';
import type { Owner } from '../owner.js';
import { runPrepared } from './prepared-query.js';
import { ownerMarker } from './query-terms.js';
import { toHit, toNeighbour } from './search-rows.js';

/** A memory or past message found by either retriever, with the raw signals of each. */
export interface SearchHit {
  source: 'memory' | 'message';
  id: string;
  text: string;
  createdAt: Date;
  /** Memories: last time used or changed (the clock for recency); messages: createdAt. */
  lastUsedAt: Date;
  /** Lexical: sum of the matched terms' idf (BM25 with tf = 1), null when no term matched. */
  idf: number | null;
  /** Distinct lexemes in the row: BM25's document length. */
  length: number;
  /** Sum of idf over the query terms this user's rows contain at all: a perfect match's `idf`. */
  idealIdf: number;
  /** Cosine similarity from the vector retriever, null when it did not return the row. */
  similarity: number | null;
  // memories
  kind: string | null;
  importance: number;
  slot: string | null;
  sourceMessageIds: string[];
  /** Messages: their own; memories: those of the message they were first extracted from. */
  conversationId: string | null;
  role: string | null;
  /** Memories: the message they were first extracted from (null for messages). */
  sourceMessage: { id: string; createdAt: Date } | null;
}

/** The message before or after a hit in its conversation: the question a reply answers. */
export interface Neighbour {
  of: string;
  side: 'before' | 'after';
  id: string;
  role: string;
  text: string;
  createdAt: Date;
}

export interface SearchRequest {
  /** Query words (stop words already dropped); each is stemmed in SQL. */
  terms: string[];
  vector: number[] | null;
  memories: { lexical: number; vector: number };
  /**
   * Omit to search memories only. The vector arm looks at the newest `vectorWindow` messages
   * (older ones are found by words, and then also scored by vector): bounded work per turn.
   */
  messages?: {
    excludeConversationId: string | null;
    lexical: number;
    vector: number;
    vectorWindow?: number;
  };
  /** Rows read per query term: bounds the work for terms the user says all the time. */
  perTerm: number;
}

export interface SearchResult {
  hits: SearchHit[];
  neighbours: Neighbour[];
}

const LIVE = `invalidated_at is null and (expires_at is null or expires_at > now())`;
/** Documents counted for idf; beyond this a corpus is "large" and idf barely moves. */
const MAX_DOCS = 20_000;
/**
 * Background documents added to every user's count (none holding the term):
 * with three memories a word in all three would otherwise weigh nothing,
 * though "peanut" is still specific. Large corpora barely notice.
 */
const PRIOR_DOCS = 50;
/** Candidates whose neighbouring turns are fetched, per arm (a reply needs its question). */
const NEIGHBOURED = { lexical: 12, vector: 8 };
const EMPTY_IDS = `select null::uuid as id, null::float8 as idf, null::float8 as ideal, null::float8 as sim where false`;

/**
 * Both retrievers over a user's memories and past messages, and the
 * neighbouring turns of every message found, in ONE statement (one round
 * trip). Lexical: each stemmed term is ANDed with the owner marker so the
 * GIN index intersects the user's posting list with the term's; at most
 * `perTerm` rows per term are read, so a term in every message costs no
 * more than a rare one, and its document frequency is capped there (it is
 * common; its idf is small either way). Vector: pgvector nearest rows
 * (HNSW with `hnsw.iterative_scan`, or an exact scan of the user's rows
 * when the planner prefers it).
 */
export async function searchHits(
  knex: Knex,
  owner: Owner,
  req: SearchRequest,
): Promise<SearchResult> {
  const b: Knex.RawBinding[] = [];
  const p = (v: Knex.RawBinding): string => {
    b.push(v);
    return '?';
  };
  const vec = req.vector ? toVectorLiteral(req.vector) : null;
  const hasTerms = req.terms.length > 0;
  const ctes: string[] = [
    `t as (select min(i) as i, q from (
        select i, plainto_tsquery('english', w) as q from unnest(${p(req.terms)}::text[]) with ordinality x(w, i)
      ) y where numnode(q) > 0 group by q)`,
    `mk as (select ${p(ownerMarker(owner.userId))}::tsquery as u)`,
    // The query vector is sent and parsed once (512 numbers as text), then referenced.
    `qv as (select ${p(vec)}::vector as v)`,
  ];

  // Messages carry their row out of the arm that read it: no second lookup by id.
  // The lexical arm carries the (compressed) embedding along; only its final candidates are scored by vector.
  const MSG = `id, conversation_id, seq, role, content, created_at, length(search_tsv) - 1 as len`;
  const msgLexical = (): string => `${MSG}, embedding`;
  const MSG_NONE = `null::uuid as id, null::uuid as conversation_id, null::bigint as seq, null::text as role,
    null::text as content, null::timestamptz as created_at, null::int as len`;

  // Placeholders are numbered in text order, so parts that bind values are built where they are used.
  const lexical = (
    name: string,
    table: string,
    cols: () => string,
    filter: () => string,
    count: string,
    limit: number,
  ): void => {
    ctes.push(
      // N for idf: the user's searchable rows, counted from an index alone (capped).
      `${name}n as (select count(*)::float8 as n from (select 1 from ${table}
          where tenant_id = ${p(owner.tenantId)} and user_id = ${p(owner.userId)} and ${count}
          limit ${MAX_DOCS}) z)`,
      `${name}h as (select t.i, h.* from t, mk, lateral (select ${cols()} from ${table}
          where search_tsv @@ (t.q && mk.u) and tenant_id = ${p(owner.tenantId)}
            and user_id = ${p(owner.userId)} and ${filter()}
          limit ${p(req.perTerm)}) h)`,
      `${name}d as (select i, ln(1 + (greatest(n, count(*)) + ${PRIOR_DOCS} - count(*) + 0.5) / (count(*) + 0.5)) as idf
          from ${name}h, ${name}n group by i, n)`,
      `${name}l as (select h.id, sum(d.idf) as idf, (select sum(idf) from ${name}d) as ideal
          from ${name}h h join ${name}d d using (i) group by h.id order by 2 desc limit ${p(limit)})`,
    );
  };
  /** Nearest rows by vector; `window` bounds it to the newest rows (exact distances over those). */
  const vectorArm = (
    name: string,
    table: string,
    cols: string,
    filter: () => string,
    limit: number,
    window?: number,
  ): void => {
    const distance = `embedding <=> (select v from qv)`;
    const rows = window
      ? `(select * from ${table} where tenant_id = ${p(owner.tenantId)} and user_id = ${p(owner.userId)}
            and embedding is not null and ${filter()} order by created_at desc limit ${p(window)}) w`
      : `${table} where tenant_id = ${p(owner.tenantId)} and user_id = ${p(owner.userId)}
           and embedding is not null and ${filter()}`;
    ctes.push(`${name}v as (select x.*, 1 - x.d as sim from (
        select ${cols}, ${distance} as d from ${rows}
         order by d limit ${p(limit)}) x)`);
  };

  if (hasTerms)
    lexical(
      'm',
      'memories',
      () => 'id',
      () => LIVE,
      'invalidated_at is null',
      req.memories.lexical,
    );
  else ctes.push(`ml as (${EMPTY_IDS})`);
  if (vec) vectorArm('m', 'memories', 'id', () => LIVE, req.memories.vector);
  else ctes.push(`mv as (${EMPTY_IDS})`);

  const msg = req.messages;
  // Only messages indexed for recall (embedded after their turn; "forget everything" clears it).
  const filter = (): string =>
    `embedding is not null and role in ('user', 'assistant')
     and conversation_id is distinct from ${p(msg?.excludeConversationId ?? null)}::uuid`;
  if (msg && hasTerms)
    lexical('g', 'messages', msgLexical, filter, 'embedding is not null', msg.lexical);
  else
    ctes.push(
      `gh as (select null::int as i, ${MSG_NONE}, null::vector as embedding where false)`,
      `gl as (${EMPTY_IDS})`,
    );
  if (msg && vec && msg.vector > 0)
    vectorArm('g', 'messages', MSG, filter, msg.vector, msg.vectorWindow);
  else ctes.push(`gv as (select ${MSG_NONE}, null::float8 as d, null::float8 as sim where false)`);

  ctes.push(
    `mc as (select id from ml union select id from mv)`,
    `gx as (select distinct on (id) * from (
        select id, conversation_id, seq, role, content, created_at, len,
               ${vec ? '1 - (embedding <=> (select v from qv))' : 'null::float8'} as sim
          from gh where id in (select id from gl)
        union all select id, conversation_id, seq, role, content, created_at, len, sim from gv) u
        order by id, sim desc nulls last)`,
    // Neighbours only for the strongest few of each arm: the cut keeps at most 10 items.
    // The owner rides along as columns and is compared as text: neighbours are looked up by
    // (conversation_id, seq) alone and the owner checked on the row, instead of the planner
    // intersecting the owner's whole btree range for each one (an index it cannot use as text).
    `gr as (select gx.id, gx.conversation_id, gx.seq, ${p(owner.tenantId)}::uuid as tenant_id,
            ${p(owner.userId)}::uuid as user_id from gx join (
        (select id from gl order by idf desc limit ${NEIGHBOURED.lexical})
        union (select id from gv order by sim desc limit ${NEIGHBOURED.vector})) top using (id))`,
  );
  const nb = (side: 'before' | 'after'): string => {
    const [cmp, dir] = side === 'before' ? ['<', 'desc'] : ['>', 'asc'];
    return `select gr.id as of_id, n.* from gr cross join lateral (
        select '${side}' as side, x.id, x.role, x.content, x.created_at from messages x
         where x.conversation_id = gr.conversation_id and x.seq ${cmp} gr.seq
           and (x.tenant_id, x.user_id)::text = (gr.tenant_id, gr.user_id)::text
           and x.role in ('user', 'assistant') and x.content <> ''
         order by x.seq ${dir} limit 1) n`;
  };

  const sql = `with ${ctes.join(',\n')}
    select 'memory' as source, mm.id, mm.text, mm.created_at,
           greatest(mm.updated_at, mm.last_accessed_at) as last_used_at,
           length(mm.search_tsv) - 1 as len, ml.idf, ml.ideal, mv.sim,
           mm.kind, mm.importance, mm.slot, mm.source_message_ids,
           src.conversation_id, src.role, null::uuid as of_id, null::text as side,
           src.id as src_id, src.created_at as src_at
      from memories mm join mc using (id) left join ml using (id) left join mv using (id)
      left join lateral (select s.id, s.conversation_id, s.role, s.created_at from messages s
         where s.id = (mm.source_message_ids ->> 0)::uuid
           and s.tenant_id = mm.tenant_id and s.user_id = mm.user_id) src on true
     where mm.tenant_id = ${p(owner.tenantId)} and mm.user_id = ${p(owner.userId)}
    union all
    select 'message', gx.id, gx.content, gx.created_at, gx.created_at, gx.len, gl.idf, gl.ideal, gx.sim,
           null, null, null, null, gx.conversation_id, gx.role, null, null, null, null
      from gx left join gl using (id)
    union all
    select 'neighbour', n.id, n.content, n.created_at, n.created_at, 0, null, null, null,
           null, null, null, null, null, n.role, n.of_id, n.side, null, null
      from (${nb('before')} union all ${nb('after')}) n`;

  const rows = await runPrepared(knex, sql, b);
  const hits: SearchHit[] = [];
  const neighbours: Neighbour[] = [];
  for (const r of rows) {
    if (r.source === 'neighbour') neighbours.push(toNeighbour(r));
    else hits.push(toHit(r));
  }
  return { hits, neighbours };
}
