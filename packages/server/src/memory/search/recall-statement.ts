import type { Statement } from '../../db/sql-client.js';
import { statement } from '../../db/sql-client.js';

/**
 * The recall statement's text for one shape of request. The text depends
 * only on which arms run, never on the values: it is built once per shape
 * and prepared once per connection, and every call binds the same thirteen
 * numbered parameters (RECALL_PARAMS order). Building a 6 KB string and
 * turning `?` into `$n` on every turn cost more Node CPU than parsing the rows.
 */
export interface RecallShape {
  terms: boolean;
  vector: boolean;
  /** Search past messages at all. */
  messages: boolean;
  /** Run the vector arm over the newest messages (model embedders; not the hashing one). */
  messageVector: boolean;
}

/** The parameters every shape binds, in this order. */
export const RECALL_PARAMS = [
  'terms', // $1 text[]: query words, stemmed in SQL
  'marker', // $2 tsquery: the owner lexeme
  'vector', // $3 vector: the query embedding (null without one)
  'tenant', // $4 uuid
  'user', // $5 uuid
  'perTerm', // $6 int: rows read per term
  'memoryLexical', // $7 int
  'memoryVector', // $8 int
  'excludeConversation', // $9 uuid: the conversation being asked in (null: none)
  'messageLexical', // $10 int
  'messageVector', // $11 int
  'vectorWindow', // $12 int: newest messages the message vector arm looks at
  'minSimilarity', // $13 float8: vector rows under it are left out (they could only be dropped)
] as const;

const $ = (name: (typeof RECALL_PARAMS)[number]): string => `$${RECALL_PARAMS.indexOf(name) + 1}`;
const TENANT = $('tenant');
const USER = $('user');
const OWNER = `tenant_id = ${TENANT} and user_id = ${USER}`;

/**
 * Declares every parameter's type once, so a shape that leaves some unused still prepares.
 * A typed parameter is converted once, at bind: the query vector is parsed once however often
 * the statement refers to it.
 */
const PARAM_TYPES = `params as (select ${$('terms')}::text[], ${$('marker')}::tsquery,
  ${$('vector')}::vector, ${TENANT}::uuid, ${USER}::uuid, ${$('perTerm')}::int,
  ${$('memoryLexical')}::int, ${$('memoryVector')}::int, ${$('excludeConversation')}::uuid,
  ${$('messageLexical')}::int, ${$('messageVector')}::int, ${$('vectorWindow')}::int,
  ${$('minSimilarity')}::float8)`;

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
/** Times leave as epoch milliseconds: a float is parsed in a fraction of a timestamp's time. */
const ms = (col: string): string => `date_part('epoch', ${col}) * 1000`;

// Messages carry their row out of the arm that read it: no second lookup by id.
const MSG = `id, conversation_id, seq, role, content, created_at, length(search_tsv) - 1 as len`;
const MSG_NONE = `null::uuid as id, null::uuid as conversation_id, null::bigint as seq, null::text as role,
    null::text as content, null::timestamptz as created_at, null::int as len`;
// Only messages indexed for recall (embedded after their turn; "forget everything" clears it).
const MSG_FILTER = `embedding is not null and role in ('user', 'assistant')
     and conversation_id is distinct from ${$('excludeConversation')}::uuid`;

/** BM25 pieces for one table: N, rows per term (capped), idf per term, best rows. */
function lexicalArm(
  name: string,
  table: string,
  cols: string,
  filter: string,
  count: string,
  limit: string,
): string[] {
  return [
    // N for idf: the user's searchable rows, counted from an index alone (capped).
    `${name}n as (select count(*)::float8 as n from (select 1 from ${table}
        where ${OWNER} and ${count} limit ${MAX_DOCS}) z)`,
    `${name}h as (select t.i, h.* from t, lateral (select ${cols} from ${table}
        where search_tsv @@ (t.q && ${$('marker')}::tsquery) and ${OWNER} and ${filter}
        limit ${$('perTerm')}) h)`,
    `${name}d as (select i, ln(1 + (greatest(n, count(*)) + ${PRIOR_DOCS} - count(*) + 0.5) / (count(*) + 0.5)) as idf
        from ${name}h, ${name}n group by i, n)`,
    `${name}l as (select h.id, sum(d.idf) as idf, (select sum(idf) from ${name}d) as ideal
        from ${name}h h join ${name}d d using (i) group by h.id order by 2 desc limit ${limit})`,
  ];
}

/** Nearest rows by vector above the similarity floor; `window` bounds it to the newest rows. */
function vectorArm(
  name: string,
  table: string,
  cols: string,
  filter: string,
  limit: string,
  window?: string,
): string {
  const rows = window
    ? `(select * from ${table} where ${OWNER} and ${filter} order by created_at desc limit ${window}) w`
    : `${table} where ${OWNER} and embedding is not null and ${filter}`;
  return `${name}v as (select x.*, 1 - x.d as sim from (
      select ${cols}, embedding <=> ${$('vector')}::vector as d from ${rows}
       order by d limit ${limit}) x where 1 - x.d >= ${$('minSimilarity')}::float8)`;
}

function neighbours(side: 'before' | 'after'): string {
  const [cmp, dir] = side === 'before' ? ['<', 'desc'] : ['>', 'asc'];
  // The owner is compared as text: neighbours are looked up by (conversation_id, seq) alone and
  // the owner checked on the row, instead of the planner intersecting the owner's whole btree
  // range for each one (an index it cannot use as text).
  // Only a question from the other side is shown with its answer (select-items.ts): a user's
  // message never needs the turn after it, so it is not looked up.
  const which = side === 'after' ? `(select * from gr where role <> 'user') gr` : 'gr';
  return `select gr.id as of_id, n.* from ${which} cross join lateral (
      select '${side}' as side, x.id, x.role, x.content, x.created_at from messages x
       where x.conversation_id = gr.conversation_id and x.seq ${cmp} gr.seq
         and (x.tenant_id, x.user_id)::text = (${TENANT}::uuid, ${USER}::uuid)::text
         and x.role in ('user', 'assistant') and x.content <> ''
       order by x.seq ${dir} limit 1) n`;
}

function build(shape: RecallShape): string {
  const ctes: string[] = [
    PARAM_TYPES,
    `t as (select min(i) as i, q from (
        select i, plainto_tsquery('english', w) as q from unnest(${$('terms')}::text[]) with ordinality x(w, i)
      ) y where numnode(q) > 0 group by q)`,
  ];
  if (shape.terms)
    ctes.push(
      ...lexicalArm('m', 'memories', 'id', LIVE, 'invalidated_at is null', $('memoryLexical')),
    );
  else ctes.push(`ml as (${EMPTY_IDS})`);
  if (shape.vector) ctes.push(vectorArm('m', 'memories', 'id', LIVE, $('memoryVector')));
  else ctes.push(`mv as (${EMPTY_IDS})`);

  // The lexical arm carries the (compressed) embedding along; only its final candidates are scored by vector.
  if (shape.messages && shape.terms)
    ctes.push(
      ...lexicalArm(
        'g',
        'messages',
        `${MSG}, embedding`,
        MSG_FILTER,
        'embedding is not null',
        $('messageLexical'),
      ),
    );
  else
    ctes.push(
      `gh as (select null::int as i, ${MSG_NONE}, null::vector as embedding where false)`,
      `gl as (${EMPTY_IDS})`,
    );
  if (shape.messages && shape.vector && shape.messageVector)
    ctes.push(vectorArm('g', 'messages', MSG, MSG_FILTER, $('messageVector'), $('vectorWindow')));
  else ctes.push(`gv as (select ${MSG_NONE}, null::float8 as d, null::float8 as sim where false)`);

  const lexicalSim = shape.vector ? `1 - (embedding <=> ${$('vector')}::vector)` : 'null::float8';
  ctes.push(
    `mc as (select id from ml union select id from mv)`,
    `gx as (select distinct on (id) * from (
        select id, conversation_id, seq, role, content, created_at, len, ${lexicalSim} as sim
          from gh where id in (select id from gl)
        union all select id, conversation_id, seq, role, content, created_at, len, sim from gv) u
        order by id, sim desc nulls last)`,
    // Neighbours only for the strongest few of each arm: the cut keeps at most 10 items.
    `gr as (select gx.id, gx.conversation_id, gx.seq, gx.role from gx join (
        (select id from gl order by idf desc limit ${NEIGHBOURED.lexical})
        union (select id from gv order by sim desc limit ${NEIGHBOURED.vector})) top using (id))`,
  );

  return `with ${ctes.join(',\n')}
    select 'memory' as source, mm.id, mm.text, ${ms('mm.created_at')} as created_at,
           ${ms('greatest(mm.updated_at, mm.last_accessed_at)')} as last_used_at,
           length(mm.search_tsv) - 1 as len, ml.idf, ml.ideal, mv.sim,
           mm.kind, mm.importance, mm.slot, mm.source_message_ids,
           src.conversation_id, src.role, null::uuid as of_id, null::text as side,
           src.id as src_id, ${ms('src.created_at')} as src_at
      from memories mm join mc using (id) left join ml using (id) left join mv using (id)
      left join lateral (select s.id, s.conversation_id, s.role, s.created_at from messages s
         where s.id = (mm.source_message_ids ->> 0)::uuid
           and s.tenant_id = mm.tenant_id and s.user_id = mm.user_id) src on true
     where mm.tenant_id = ${TENANT} and mm.user_id = ${USER}
    union all
    select 'message', gx.id, gx.content, ${ms('gx.created_at')}, null, gx.len, gl.idf, gl.ideal, gx.sim,
           null, null, null, null, gx.conversation_id, gx.role, null, null, null, null
      from gx left join gl using (id)
    union all
    select 'neighbour', n.id, n.content, ${ms('n.created_at')}, null, 0, null, null, null,
           null, null, null, null, null, n.role, n.of_id, n.side, null, null
      from (${neighbours('before')} union all ${neighbours('after')}) n`;
}

const cache = new Map<string, Statement>();

/** The statement for a shape, built on first use. */
export function recallStatement(shape: RecallShape): Statement {
  const key = [shape.terms, shape.vector, shape.messages, shape.messageVector]
    .map((b) => (b ? 1 : 0))
    .join('');
  let s = cache.get(key);
  if (!s) {
    s = statement(`parley_recall_${key}`, build(shape));
    cache.set(key, s);
  }
  return s;
}
