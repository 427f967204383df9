import type { Clock } from '../clock/clock.js';
import type { Owner } from '../db/scoped.js';
import type { SqlClient } from '../db/sql-client.js';
import type { MemoryService } from '../memory/memory-service.js';
import { recall } from '../memory/recall.js';

/** Ids of one user's memories that match a query, best first. */
export type MemorySearch = (owner: Owner, text: string, limit: number) => Promise<string[]>;

/**
 * The recall ranking (memory/recall.ts) over memories only, for the memory
 * API's `?q=`: every relevant memory up to the page size, not the turn's cut.
 */
export function memorySearch(deps: {
  sql: SqlClient;
  memory: Pick<MemoryService, 'embedQuery' | 'embedder'>;
  clock: Clock;
  log: { warn(obj: object, msg: string): void };
}): MemorySearch {
  return async (owner, text, limit) => {
    const found = await recall(deps, owner, text, {
      budgetMs: 10_000,
      includeMessages: false,
      tuning: { maxItems: limit, relativeFloor: 0, maxChars: 1_000_000 },
    });
    return found.memories.map((m) => m.id);
  };
}
