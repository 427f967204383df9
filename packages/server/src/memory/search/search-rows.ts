import type { Neighbour, SearchHit } from './candidate-search.js';

/**
 * Result rows of the recall statement → hits and neighbours. Times arrive
 * as epoch milliseconds (floats), on PostgreSQL and PGlite alike.
 */

const num = (v: unknown): number | null => (v == null ? null : Number(v));
const date = (v: unknown): Date => new Date(Number(v));

export function toHit(r: Record<string, unknown>): SearchHit {
  const ids = r.source_message_ids;
  const createdAt = date(r.created_at);
  return {
    source: r.source as SearchHit['source'],
    id: r.id as string,
    text: r.text as string,
    createdAt,
    lastUsedAt: r.last_used_at == null ? createdAt : date(r.last_used_at),
    idf: num(r.idf),
    length: Math.max(1, Number(r.len ?? 1)),
    idealIdf: num(r.ideal) ?? 0,
    similarity: num(r.sim),
    kind: (r.kind as string | null) ?? null,
    importance: r.importance == null ? 0.5 : Number(r.importance),
    slot: (r.slot as string | null) ?? null,
    sourceMessageIds:
      typeof ids === 'string' ? (JSON.parse(ids) as string[]) : ((ids as string[] | null) ?? []),
    conversationId: (r.conversation_id as string | null) ?? null,
    role: (r.role as string | null) ?? null,
    sourceMessage: r.src_id ? { id: r.src_id as string, createdAt: date(r.src_at) } : null,
  };
}

export function toNeighbour(r: Record<string, unknown>): Neighbour {
  return {
    of: r.of_id as string,
    side: r.side as Neighbour['side'],
    id: r.id as string,
    role: r.role as string,
    text: r.text as string,
    createdAt: date(r.created_at),
  };
}
