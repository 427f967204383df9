import type { SqlClient } from '../../db/sql-client.js';
import { toVectorLiteral } from '../embedder.js';
import type { Owner } from '../owner.js';
import { ownerMarker } from './query-terms.js';
import { recallStatement } from './recall-statement.js';
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
    /** 0 leaves the vector arm over messages out (the hashing embedder: words find the same rows). */
    vector: number;
    vectorWindow: number;
  };
  /** Rows read per query term: bounds the work for terms the user says all the time. */
  perTerm: number;
  /**
   * Vector-arm rows under this cosine similarity are not returned: recall drops a row under its
   * vector floor that words did not find, so sending it is wasted work. Omit to get them all.
   */
  minSimilarity?: number;
}

export interface SearchResult {
  hits: SearchHit[];
  neighbours: Neighbour[];
}

/**
 * Both retrievers over a user's memories and past messages, and the
 * neighbouring turns of every message found, in ONE statement (one round
 * trip; recall-statement.ts). Lexical: each stemmed term is ANDed with the
 * owner marker so the GIN index intersects the user's posting list with the
 * term's; at most `perTerm` rows per term are read, so a term in every
 * message costs no more than a rare one, and its document frequency is
 * capped there (it is common; its idf is small either way). Vector: pgvector
 * nearest rows (HNSW with `hnsw.iterative_scan`, or an exact scan of the
 * user's rows when the planner prefers it).
 */
export async function searchHits(
  sql: SqlClient,
  owner: Owner,
  req: SearchRequest,
): Promise<SearchResult> {
  const msg = req.messages;
  const statement = recallStatement({
    terms: req.terms.length > 0,
    vector: req.vector !== null,
    messages: msg !== undefined,
    messageVector: (msg?.vector ?? 0) > 0,
  });
  // The query vector is sent once, as text (seven digits: what a float4 column keeps).
  const rows = await sql.query(statement, [
    req.terms,
    ownerMarker(owner.userId),
    req.vector ? toVectorLiteral(req.vector) : null,
    owner.tenantId,
    owner.userId,
    req.perTerm,
    req.memories.lexical,
    req.memories.vector,
    msg?.excludeConversationId ?? null,
    msg?.lexical ?? 0,
    msg?.vector ?? 0,
    msg?.vectorWindow ?? 0,
    req.minSimilarity ?? -2,
  ]);
  const hits: SearchHit[] = [];
  const neighbours: Neighbour[] = [];
  for (const r of rows) {
    if (r.source === 'neighbour') neighbours.push(toNeighbour(r));
    else hits.push(toHit(r));
  }
  return { hits, neighbours };
}
