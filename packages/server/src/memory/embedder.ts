/**
 * The embedder contract. Memory code only sees this interface; the hashing,
 * OpenAI (and any future local) embedders implement it.
 */
export interface Embedder {
  /** Stable name, e.g. `hashing-v1` or `openai:text-embedding-3-small`. */
  readonly id: string;
  /** Vector width; must equal the database's `vector(d)` columns. */
  readonly dimensions: number;
  /**
   * Cosine-similarity thresholds for this embedder's geometry: below
   * `relevant` a vector-only match is noise; above `duplicate` two memories
   * say the same thing.
   */
  readonly similarity: { relevant: number; duplicate: number };
  /**
   * True when the vectors only restate the words (feature hashing): recall
   * then skips its vector search over past messages, which would find what
   * the word search already found (docs/memory-recall.md, "Recall under load").
   */
  readonly lexical?: boolean;
  /** One unit-length vector per input, in input order. */
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
}

/**
 * pgvector's text form, for `?::vector` parameters. Seven significant digits
 * are all a float4 column keeps; printing JavaScript's seventeen made every
 * query vector twice as long to send and to parse.
 */
export function toVectorLiteral(v: readonly number[]): string {
  // One string grown in place: a query vector is built per turn, and an array of 512 strings
  // to join was a visible share of recall's garbage.
  let s = '[';
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    s += `${i ? ',' : ''}${x === 0 ? '0' : Number(x.toPrecision(7))}`;
  }
  return `${s}]`;
}

export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
