import type { Page } from '@parley/sdk/protocol';
import type { Knex } from 'knex';
import type { Owner } from '../db/scoped.js';
import { scope } from '../db/scoped.js';
import { notFound } from '../errors/domain-error.js';
import type { Embedder } from '../memory/embedder.js';
import { toVectorLiteral } from '../memory/embedder.js';
import { deleteMemoryChain, forgetEverything } from '../memory/memory-admin.js';
import type { MemoryResource } from '../memory/memory-dto.js';
import { MEMORY_COLUMNS, toMemory } from '../memory/memory-dto.js';
import type { MemoryKind } from '../memory/memory-policy.js';
import { paginate } from '../routes/pagination.js';
import type { MemorySearch } from './memory-search.js';

export interface MemoryPatch {
  text?: string;
  kind?: MemoryKind;
  importance?: number;
}

/**
 * What the agent remembers about one user, as that user manages it: current
 * memories only (history rows appear in the export). Made for an owner;
 * anyone else's memory is a 404 like a missing one.
 */
export interface UserMemoryStore {
  list(page: { limit: number; cursor?: string }): Promise<Page<MemoryResource>>;
  /** One page, best match first. */
  search(text: string, limit: number): Promise<Page<MemoryResource>>;
  update(id: string, patch: MemoryPatch): Promise<MemoryResource>;
  /** Deletes the memory and the older versions it replaced. */
  remove(id: string): Promise<void>;
  /** Every memory and every message embedding of the user. */
  forgetAll(): Promise<{ memories: number; messageEmbeddings: number }>;
}

export interface UserMemoryDeps {
  knex: Knex;
  embedder: Pick<Embedder, 'embed'>;
  search: MemorySearch;
  /** Drops the user's cached query embeddings once their memories are gone. */
  evictUser(owner: Owner): void;
}

export function userMemoryStore(deps: UserMemoryDeps, owner: Owner): UserMemoryStore {
  const current = () => scope(deps.knex, owner).memories().whereNull('invalidated_at');
  return {
    async list(q) {
      const page = await paginate(current().select(MEMORY_COLUMNS), q, 'created_at');
      return { data: page.rows.map(toMemory), nextCursor: page.nextCursor };
    },
    async search(text, limit) {
      const ids = await deps.search(owner, text, limit);
      const rows = ids.length ? await current().whereIn('id', ids).select(MEMORY_COLUMNS) : [];
      const byId = new Map((rows as Record<string, unknown>[]).map((r) => [r.id as string, r]));
      return {
        data: ids.flatMap((id) => (byId.has(id) ? [toMemory(byId.get(id)!)] : [])),
        nextCursor: null,
      };
    },
    async update(id, patch) {
      const change: Record<string, unknown> = { updated_at: deps.knex.fn.now() };
      if (patch.text !== undefined) {
        const text = patch.text.trim();
        const [vector] = await deps.embedder.embed([text]);
        change.text = text;
        change.embedding = toVectorLiteral(vector!);
      }
      if (patch.kind !== undefined) change.kind = patch.kind;
      if (patch.importance !== undefined) change.importance = patch.importance;
      const [row] = await current().where({ id }).update(change).returning(MEMORY_COLUMNS);
      if (!row) throw notFound('Memory');
      return toMemory(row);
    },
    async remove(id) {
      if (!(await current().where({ id }).first('id'))) throw notFound('Memory');
      await deleteMemoryChain(deps.knex, owner, id);
    },
    async forgetAll() {
      const deleted = await forgetEverything(deps.knex, owner);
      deps.evictUser(owner);
      return deleted;
    },
  };
}
