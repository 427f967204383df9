import type { Embedder } from './embedder.js';
import { STOPWORDS, words } from './text-features.js';

/**
 * Offline, deterministic embedder: feature hashing of words, word bigrams and
 * character trigrams into a fixed-width vector, L2-normalised. No download,
 * microseconds per text. It captures lexical overlap ("live" ~ "lives"), not
 * meaning; production deployments use a model embedder.
 */
export class HashingEmbedder implements Embedder {
  readonly id = 'hashing-v1';
  readonly similarity = { relevant: 0.15, duplicate: 0.9 };
  readonly lexical = true;

  constructor(readonly dimensions = 512) {
    if (!Number.isInteger(dimensions) || dimensions < 8)
      throw new Error(`hashing embedder needs at least 8 dimensions (got ${dimensions})`);
  }

  async embed(texts: string[]): Promise<number[][]> {
    return texts.map((t) => this.embedOne(t));
  }

  embedOne(text: string): number[] {
    const v = new Float64Array(this.dimensions);
    const ws = words(text);
    let prev: string | null = null;
    for (const w of ws) {
      const stop = STOPWORDS.has(w);
      this.add(v, `w:${w}`, stop ? 0.15 : 1);
      if (prev !== null) this.add(v, `b:${prev} ${w}`, 0.5);
      prev = w;
      if (stop || w.length < 3) continue;
      // Trigrams of "#word#" tie inflections together: lives/live, moved/move.
      const padded = `#${w}#`;
      const weight = 1 / Math.sqrt(padded.length - 2);
      for (let i = 0; i + 3 <= padded.length; i++)
        this.add(v, `c:${padded.slice(i, i + 3)}`, weight);
    }
    let norm = 0;
    for (const x of v) norm += x * x;
    norm = Math.sqrt(norm);
    return Array.from(v, (x) => (norm === 0 ? 0 : x / norm));
  }

  private add(v: Float64Array, feature: string, weight: number): void {
    const h = fnv1a(feature);
    // One hash gives both the bucket and the sign, so collisions cancel out on average.
    v[h % this.dimensions]! += h & 0x80000000 ? -weight : weight;
  }
}

/** 32-bit FNV-1a over UTF-16 code units: fast, stable across runs and platforms. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
