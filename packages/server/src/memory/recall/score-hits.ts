import type { SearchHit } from '../search/candidate-search.js';
import type { RecallTuning } from './tuning.js';

export type Retriever = 'lexical' | 'vector' | 'both';

export interface ScoredHit {
  hit: SearchHit;
  score: number;
  /** Normalised lexical score, 0 when below its floor. */
  lexical: number;
  retriever: Retriever;
}

const RECENCY_HALF_LIFE_DAYS = 30;

/**
 * BM25 (tf = 1: chat rows rarely repeat a word) divided by what a row of
 * average length holding every query term the user ever used would score:
 * 1 means "all of it", and a match on a rare, specific term outweighs one on
 * a name the user mentions every day. Vectors add a second opinion scaled
 * above their noise floor. Each retriever has its own floor; a row passing
 * neither is dropped.
 */
export function scoreHits(
  hits: SearchHit[],
  ctx: { now: number; vectorFloor: number; tuning: RecallTuning },
): ScoredHit[] {
  const { tuning: t, vectorFloor } = ctx;
  const out: ScoredHit[] = [];
  for (const hit of hits) {
    const avg = hit.source === 'memory' ? t.avgLength.memory : t.avgLength.message;
    const norm = (1 + t.k1) / (1 + t.k1 * (1 - t.b + (t.b * hit.length) / avg));
    const rawLexical =
      hit.idf !== null && hit.idealIdf > 0 ? Math.min(1.5, (hit.idf / hit.idealIdf) * norm) : 0;
    const lexical = rawLexical >= t.lexicalFloor ? rawLexical : 0;
    const sim = hit.similarity ?? -1;
    const vector = sim >= vectorFloor ? (sim - vectorFloor) / (1 - vectorFloor) : 0;
    if (lexical === 0 && sim < vectorFloor) continue;
    let score = lexical + t.vectorWeight * vector;
    if (hit.source === 'memory') {
      const ageDays = Math.max(0, ctx.now - hit.lastUsedAt.getTime()) / 86_400_000;
      const recency = Math.pow(0.5, ageDays / RECENCY_HALF_LIFE_DAYS);
      const importance = Math.min(1, Math.max(0, hit.importance));
      score *= (0.8 + 0.2 * importance) * (0.8 + 0.2 * recency);
    }
    const retriever: Retriever =
      lexical > 0 && sim >= vectorFloor ? 'both' : lexical > 0 ? 'lexical' : 'vector';
    out.push({ hit, score, lexical, retriever });
  }
  return out.sort(
    (a, b) => b.score - a.score || b.hit.createdAt.getTime() - a.hit.createdAt.getTime(),
  );
}
