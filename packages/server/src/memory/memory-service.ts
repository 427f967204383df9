import type { Embedder } from './embedder.js';
import { EmbeddingCache } from './embedding-cache.js';

export interface MemoryOptions {
  /** Time a turn waits for recall before answering without it. */
  recallBudgetMs: number;
  /** Cleanup job period; 0 disables the schedule. */
  cleanupIntervalMs: number;
}

/** The per-instance memory state: the embedder and the query-embedding cache. */
export class MemoryService {
  readonly cache = new EmbeddingCache();

  constructor(
    readonly embedder: Embedder,
    readonly options: MemoryOptions,
  ) {}

  /** Embeds a query for one user, from the cache when it can. */
  async embedQuery(
    scope: { tenantId: string; userId: string },
    text: string,
    signal?: AbortSignal,
  ): Promise<number[]> {
    const key = EmbeddingCache.key(scope.tenantId, scope.userId, text);
    const hit = this.cache.get(key);
    if (hit) return hit;
    const [vector] = await this.embedder.embed([text], signal);
    this.cache.set(key, vector!);
    return vector!;
  }
}
