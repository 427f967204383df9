import type { Clock } from '../clock/clock.js';
import { systemClock } from '../clock/clock.js';
import type { SqlClient } from '../db/sql-client.js';
import type { Embedder } from './embedder.js';
import type { Owner } from './owner.js';
import { within } from './recall/budget.js';
import { scoreHits } from './recall/score-hits.js';
import type { RecalledMemory, RecalledPassage } from './recall/select-items.js';
import { selectItems } from './recall/select-items.js';
import type { RecallTuning } from './recall/tuning.js';
import { DEFAULT_TUNING } from './recall/tuning.js';
import { searchHits } from './search/candidate-search.js';
import { queryTerms } from './search/query-terms.js';

export type { RecalledMemory, RecalledPassage, PassageTurn } from './recall/select-items.js';

/** Which retrievers take part; `hybrid` fuses both (the default), the others exist for the eval. */
export type SearchMode = 'hybrid' | 'vector' | 'text';

/** What recall needs, and nothing more: the runner and the eval pass these directly. */
export interface RecallPorts {
  sql: SqlClient;
  memory: {
    embedder: Pick<Embedder, 'similarity' | 'lexical'>;
    embedQuery(owner: Owner, text: string, signal?: AbortSignal): Promise<number[]>;
  };
  log: { warn(obj: object, msg: string): void };
  clock?: Clock;
}

export interface RecallOptions {
  /** Wall-clock budget; past it recall returns what it has (possibly nothing). */
  budgetMs: number;
  /** The conversation the question is asked in: its own messages are history, not recall. */
  conversationId?: string | null;
  /** Also search the user's past messages (default true). */
  includeMessages?: boolean;
  mode?: SearchMode;
  tuning?: Partial<RecallTuning>;
}

export interface RecallResult {
  memories: RecalledMemory[];
  passages: RecalledPassage[];
  /** What ran out of time: the embedding (lexical-only recall) or the search (nothing). */
  degraded: null | 'embedding' | 'search';
}

export const EMPTY_RECALL: RecallResult = { memories: [], passages: [], degraded: null };

/** Candidates per retriever: bounded, so a user with years of history costs what a new one does. */
export const RECALL_CANDIDATES = {
  memoryLexical: 20,
  memoryVector: 20,
  messageLexical: 40,
  messageVector: 20,
  /** The vector arm over messages scans only the newest this many; words find the rest. */
  messageVectorWindow: 150,
  perTerm: 64,
};
const K = RECALL_CANDIDATES;

/**
 * What the user's memories and past conversations say about `query`: both
 * retrievers in one statement, scored with term rarity and fused, cut where
 * relevance ends (0 items when nothing is), echoes and repeats dropped,
 * replies shown with what they reply to. Never throws; keeps to its budget
 * (a slow embedder leaves the lexical side to answer alone).
 */
export async function recall(
  ports: RecallPorts,
  owner: Owner,
  query: string,
  opts: RecallOptions,
): Promise<RecallResult> {
  const clock = ports.clock ?? systemClock;
  const start = clock.now();
  const mode = opts.mode ?? 'hybrid';
  const tuning: RecallTuning = { ...DEFAULT_TUNING, ...opts.tuning };
  let degraded: RecallResult['degraded'] = null;

  let vector: number[] | null = null;
  if (mode !== 'text') {
    // A remote embedder gets half the budget (cached queries cost nothing).
    vector = await within(
      clock,
      ports.memory.embedQuery(owner, query),
      start + opts.budgetMs / 2,
      (err) => ports.log.warn({ err }, 'memory recall: embedding failed'),
    );
    if (!vector) degraded = 'embedding';
  }
  const terms = mode === 'vector' ? [] : queryTerms(query);
  if (!vector && terms.length === 0) return { ...EMPTY_RECALL, degraded };

  const vectorFloor = tuning.vectorFloor ?? ports.memory.embedder.similarity.relevant;
  const found = await within(
    clock,
    searchHits(ports.sql, owner, {
      terms,
      vector,
      memories: { lexical: K.memoryLexical, vector: K.memoryVector },
      messages:
        (opts.includeMessages ?? true)
          ? {
              excludeConversationId: opts.conversationId ?? null,
              lexical: K.messageLexical,
              // A lexical embedder's vectors restate the words the lexical arm already searched.
              vector: ports.memory.embedder.lexical ? 0 : K.messageVector,
              vectorWindow: K.messageVectorWindow,
            }
          : undefined,
      perTerm: K.perTerm,
      minSimilarity: vectorFloor,
    }),
    start + opts.budgetMs,
    (err) => ports.log.warn({ err }, 'memory recall: search failed'),
  );
  if (!found) return { ...EMPTY_RECALL, degraded: 'search' };
  const ranked = scoreHits(found.hits, { now: clock.now(), vectorFloor, tuning });
  return { ...selectItems(ranked, found.neighbours, tuning), degraded };
}
