import type { Knex } from 'knex';
import type { Clock } from '../clock/clock.js';
import { searchCandidates } from '../memory/hybrid-search.js';
import type { MemoryService } from '../memory/memory-service.js';
import { rankCandidates } from '../memory/rank.js';
import { prefixOrQuery } from '../memory/text-features.js';
import type { Owner } from '../db/scoped.js';

/** Ids of one user's memories that match a query, best first. */
export type MemorySearch = (owner: Owner, text: string, limit: number) => Promise<string[]>;

/** The recall ranking (memory/), over memories only, for the memory API's `?q=`. */
export function memorySearch(deps: {
  knex: Knex;
  memory: Pick<MemoryService, 'embedQuery' | 'embedder'>;
  clock: Pick<Clock, 'now'>;
}): MemorySearch {
  return async (owner, text, limit) => {
    const vector = await deps.memory.embedQuery(owner, text);
    const found = await searchCandidates(deps.knex, owner, {
      vector,
      tsquery: prefixOrQuery(text),
      k: Math.max(limit, 20),
    });
    return rankCandidates(found, deps.clock.now(), deps.memory.embedder.similarity.relevant)
      .slice(0, limit)
      .map((s) => s.item.id);
  };
}
