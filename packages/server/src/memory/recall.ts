import type { AppServices } from '../app-services.js';
import type { Candidate, Owner, SearchMode } from './hybrid-search.js';
import { searchCandidates } from './hybrid-search.js';
import { normalise, rankCandidates } from './rank.js';
import { prefixOrQuery } from './text-features.js';

export interface RecallOptions {
  /** Wall-clock budget; past it recall returns what it has (possibly nothing). */
  budgetMs: number;
  maxMemories?: number;
  maxMessages?: number;
  /** Approximate prompt tokens for memories and for past messages (4 chars ≈ 1 token). */
  memoryTokens?: number;
  messageTokens?: number;
  /** Search the user's other conversations, excluding this one. */
  conversationId?: string | null;
  includeMessages?: boolean;
  mode?: SearchMode;
}

export interface RecalledMemory {
  id: string;
  text: string;
  kind: string;
  score: number;
  lastUsedAt: Date;
}

export interface RecalledMessage {
  id: string;
  text: string;
  role: string;
  createdAt: Date;
}

export interface RecallResult {
  memories: RecalledMemory[];
  messages: RecalledMessage[];
  /** What ran out of time: the embedding (text-only recall) or the search (nothing). */
  degraded: null | 'embedding' | 'search';
}

export const EMPTY_RECALL: RecallResult = { memories: [], messages: [], degraded: null };

const CANDIDATES = 20;
const MESSAGE_CHARS = 240;

/**
 * Memories (and past messages) relevant to `query` for one user: hybrid
 * retrieval, fused and re-scored, deduplicated and cut to a token budget.
 */
export async function recall(
  services: AppServices,
  owner: Owner,
  query: string,
  opts: RecallOptions,
): Promise<RecallResult> {
  const start = Date.now();
  const mode = opts.mode ?? 'hybrid';
  const embedder = services.memory.embedder;
  let degraded: RecallResult['degraded'] = null;

  let vector: number[] | null = null;
  if (mode !== 'text') {
    // A remote embedder gets half the budget; without a vector, full-text still answers.
    const embedding = services.memory.embedQuery(owner, query);
    vector = await within(embedding, start + opts.budgetMs / 2, (err) =>
      services.log.warn({ err }, 'memory recall: embedding failed'),
    );
    if (!vector) degraded = 'embedding';
  }
  const tsquery = mode === 'vector' ? null : prefixOrQuery(query);
  if (!vector && !tsquery) return { ...EMPTY_RECALL, degraded };

  const includeMessages = opts.includeMessages ?? true;
  const candidates = await within(
    searchCandidates(services.knex, owner, {
      vector,
      tsquery,
      k: CANDIDATES,
      messages: includeMessages
        ? { excludeConversationId: opts.conversationId ?? null, k: CANDIDATES / 2 }
        : undefined,
    }),
    start + opts.budgetMs,
    (err) => services.log.warn({ err }, 'memory recall: search failed'),
  );
  if (!candidates) return { ...EMPTY_RECALL, degraded: 'search' };
  return { ...select(candidates, embedder.similarity.relevant, opts), degraded };
}

function select(
  candidates: Candidate[],
  relevant: number,
  opts: RecallOptions,
): Omit<RecallResult, 'degraded'> {
  const ranked = rankCandidates(candidates, Date.now(), relevant);
  const memories: RecalledMemory[] = [];
  const seen = new Set<string>();
  const provenance = new Set<string>();
  let budget = (opts.memoryTokens ?? 300) * 4;
  for (const { item, score } of ranked) {
    if (item.source !== 'memory' || memories.length >= (opts.maxMemories ?? 8)) continue;
    const key = normalise(item.text);
    if (seen.has(key)) continue;
    budget -= item.text.length + 4;
    if (budget < 0) break;
    seen.add(key);
    for (const id of item.sourceMessageIds) provenance.add(id);
    memories.push({
      id: item.id,
      text: item.text,
      kind: item.kind ?? 'fact',
      score,
      lastUsedAt: item.lastUsedAt,
    });
  }
  const messages: RecalledMessage[] = [];
  budget = (opts.messageTokens ?? 200) * 4;
  for (const { item } of ranked) {
    if (item.source !== 'message' || messages.length >= (opts.maxMessages ?? 3)) continue;
    // A message a recalled memory came from adds nothing the memory doesn't say.
    const key = normalise(item.text);
    if (provenance.has(item.id) || seen.has(key)) continue;
    const text =
      item.text.length > MESSAGE_CHARS ? `${item.text.slice(0, MESSAGE_CHARS)}…` : item.text;
    budget -= text.length + 16;
    if (budget < 0) break;
    seen.add(key);
    messages.push({ id: item.id, text, role: item.role ?? 'user', createdAt: item.createdAt });
  }
  return { memories, messages };
}

/** The promise's value if it settles before `deadline`, else null (it keeps running, unobserved). */
async function within<T>(
  p: Promise<T>,
  deadline: number,
  onError: (err: unknown) => void,
): Promise<T | null> {
  const guarded = p.catch((err: unknown) => {
    onError(err);
    return null;
  });
  const ms = deadline - Date.now();
  if (ms <= 0) return null;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    return await Promise.race([guarded, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
