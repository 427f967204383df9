/**
 * Query embeddings in process, least recently used out first, so a repeated
 * or retried question never waits on the embedder twice. Keys carry the
 * owner so an erased user's entries can be dropped.
 */
export class EmbeddingCache {
  private readonly map = new Map<string, { vector: number[]; expires: number }>();

  constructor(
    private readonly maxEntries = 2000,
    private readonly ttlMs = 10 * 60_000,
  ) {}

  static key(tenantId: string, userId: string, text: string): string {
    return `${tenantId}:${userId}:${text}`;
  }

  get(key: string): number[] | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (e.expires <= Date.now()) {
      this.map.delete(key);
      return undefined;
    }
    this.map.delete(key); // re-insert: Map order is recency order
    this.map.set(key, e);
    return e.vector;
  }

  set(key: string, vector: number[]): void {
    this.map.delete(key);
    this.map.set(key, { vector, expires: Date.now() + this.ttlMs });
    while (this.map.size > this.maxEntries) this.map.delete(this.map.keys().next().value!);
  }

  /** Drops every entry of one user (GDPR erase, forget everything). */
  evictUser(tenantId: string, userId: string): void {
    const prefix = `${tenantId}:${userId}:`;
    for (const k of this.map.keys()) if (k.startsWith(prefix)) this.map.delete(k);
  }

  get size(): number {
    return this.map.size;
  }
}
