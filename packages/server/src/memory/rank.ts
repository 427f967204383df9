import type { Candidate } from './hybrid-search.js';

/**
 * Reciprocal rank fusion constant. Smaller than the customary 60 so that
 * being the best match still outweighs importance and recency, which only
 * nudge the order among comparably relevant rows.
 */
export const RRF_K = 20;
/** Recency halves after this many days without use. */
export const RECENCY_HALF_LIFE_DAYS = 30;

export interface Scored<T> {
  item: T;
  score: number;
}

/**
 * Fused relevance × importance × recency, or null when the row is not
 * relevant: found by neither retriever, or only by vectors below the
 * embedder's noise floor.
 */
export function scoreCandidate(
  c: Candidate,
  now: number,
  relevantSimilarity: number,
): number | null {
  const vectorOk = c.vectorRank !== null && (c.similarity ?? 0) >= relevantSimilarity;
  if (!vectorOk && c.textRank === null) return null;
  const rrf =
    (vectorOk ? 1 / (RRF_K + c.vectorRank!) : 0) +
    (c.textRank !== null ? 1 / (RRF_K + c.textRank) : 0);
  const ageDays = Math.max(0, now - c.lastUsedAt.getTime()) / 86_400_000;
  const recency = Math.pow(0.5, ageDays / RECENCY_HALF_LIFE_DAYS);
  const importance = Math.min(1, Math.max(0, c.importance));
  return rrf * (0.6 + 0.4 * importance) * (0.8 + 0.2 * recency);
}

/** Best first; rows that are not relevant are dropped. */
export function rankCandidates(
  candidates: Candidate[],
  now: number,
  relevantSimilarity: number,
): Scored<Candidate>[] {
  const out: Scored<Candidate>[] = [];
  for (const c of candidates) {
    const score = scoreCandidate(c, now, relevantSimilarity);
    if (score !== null) out.push({ item: c, score });
  }
  return out.sort((a, b) => b.score - a.score);
}

/** Text compared loosely: case, accents, punctuation and spacing ignored. */
export function sameText(a: string, b: string): boolean {
  return normalise(a) === normalise(b);
}

export function normalise(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
