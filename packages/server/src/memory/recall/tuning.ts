/**
 * The knobs of recall's ranking and cut-off. The defaults were calibrated
 * on the training users of `npm run bench:memory-eval` (seeds 1..N) and
 * checked on held-out users (other seeds); docs/memory-recall.md says how.
 */
export interface RecallTuning {
  /** BM25 term-saturation and length-normalisation constants (tf is 1 in chat-sized rows). */
  k1: number;
  b: number;
  /** Typical row length in distinct lexemes, BM25's avgdl. */
  avgLength: { memory: number; message: number };
  /** Below this normalised lexical score (share of the query's idf mass, length-adjusted) a match is noise. */
  lexicalFloor: number;
  /** Cosine similarity below which a vector-only match is noise; null: the embedder's own `similarity.relevant`. */
  vectorFloor: number | null;
  /** Weight of the vector signal (scaled 0..1 above its floor) next to the lexical one. */
  vectorWeight: number;
  /** Items scoring under this share of the best item are left out: the count follows the question. */
  relativeFloor: number;
  /** At most this many items (memories + passages) reach the prompt. */
  maxItems: number;
  /** Prompt characters for recalled text (≈ 4 per token), neighbours included. */
  maxChars: number;
}

export const DEFAULT_TUNING: RecallTuning = {
  k1: 1.2,
  b: 0.25,
  avgLength: { memory: 4, message: 9 },
  lexicalFloor: 0.1,
  vectorFloor: null,
  vectorWeight: 2,
  relativeFloor: 0.1,
  maxItems: 10,
  maxChars: 2400,
};
