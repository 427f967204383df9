import type { SearchResult } from '../../../packages/server/src/memory/search/candidate-search.js';
import type { RecallResult } from '../../../packages/server/src/memory/recall.js';
import { scoreHits } from '../../../packages/server/src/memory/recall/score-hits.js';
import { selectItems } from '../../../packages/server/src/memory/recall/select-items.js';
import type { RecallTuning } from '../../../packages/server/src/memory/recall/tuning.js';
import { DEFAULT_TUNING } from '../../../packages/server/src/memory/recall/tuning.js';
import { coveredTurns, evidenceRecall, mean } from './evidence-metrics.js';

/** A question's raw candidates, kept so thresholds can be swept without re-querying. */
export interface CachedSearch {
  split: 'train' | 'held-out';
  evidence: string[];
  found: SearchResult;
  now: number;
}

export interface Score {
  recall: number;
  items: number;
  offTopicItems: number;
}

/** Recall's pure ranking and cut-off (exactly what recall() runs after its query) on cached candidates. */
export function replay(c: CachedSearch, tuning: RecallTuning, embedderFloor: number): RecallResult {
  const ranked = scoreHits(c.found.hits, {
    now: c.now,
    vectorFloor: tuning.vectorFloor ?? embedderFloor,
    tuning,
  });
  return { ...selectItems(ranked, c.found.neighbours, tuning), degraded: null };
}

export function score(cache: CachedSearch[], tuning: RecallTuning, floor: number): Score {
  const answerable: number[] = [];
  const items: number[] = [];
  const offTopic: number[] = [];
  for (const c of cache) {
    const r = replay(c, tuning, floor);
    const n = r.memories.length + r.passages.length;
    if (c.evidence.length === 0) offTopic.push(n);
    else {
      answerable.push(evidenceRecall(c.evidence, coveredTurns(r)));
      items.push(n);
    }
  }
  return { recall: mean(answerable), items: mean(items), offTopicItems: mean(offTopic) };
}

/**
 * Grid search on the training users only. Objective: evidence recall minus
 * 0.02 per item recalled for an off-topic question (noise in the prompt has a
 * cost), at most `maxItems` items. The held-out users are scored with the
 * winner afterwards, never used to choose it.
 */
export function calibrate(
  train: CachedSearch[],
  floorOfEmbedder: number,
): { tuning: RecallTuning; score: Score; objective: number }[] {
  const results: { tuning: RecallTuning; score: Score; objective: number }[] = [];
  for (const b of [0.25, 0.75])
    for (const lexicalFloor of [0.1, 0.2, 0.3, 0.5])
      for (const vectorFloor of [0.15, 0.2, 0.3, 0.4, 0.5, 0.6].filter(
        (f) => f >= floorOfEmbedder - 0.15,
      ))
        for (const vectorWeight of [0, 1, 2, 3])
          for (const relativeFloor of [0, 0.1, 0.2, 0.4]) {
            const tuning = {
              ...DEFAULT_TUNING,
              b,
              lexicalFloor,
              vectorFloor,
              vectorWeight,
              relativeFloor,
            };
            const s = score(train, tuning, floorOfEmbedder);
            results.push({ tuning, score: s, objective: s.recall - 0.02 * s.offTopicItems });
          }
  return results.sort((a, b) => b.objective - a.objective);
}
