import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServices } from '../../src/app-services.js';
import type { Embedder } from '../../src/memory/embedder.js';
import { MemoryService } from '../../src/memory/memory-service.js';
import type { SearchMode } from '../../src/memory/recall.js';
import { RECALL_CANDIDATES, recall } from '../../src/memory/recall.js';
import { searchHits } from '../../src/memory/search/candidate-search.js';
import { queryTerms } from '../../src/memory/search/query-terms.js';
import type { TestApp } from '../helpers/test-app.js';
import { startTestApp } from '../helpers/test-app.js';
import { seedConversation, seedMemory, seedMessage, seedTenant, seedUser } from './seed.js';

// Which retrievers run for which embedder, and what the statement leaves out (recall under load).

let t: TestApp;
let services: AppServices;
const BUDGET = { budgetMs: 10_000 }; // no time pressure in tests

/** A stand-in for a model embedder: words of one concept share an axis, other words share none. */
const CONCEPTS: Record<string, number> = { cat: 1, kitten: 1, miso: 1, tennis: 2, racket: 2 };
const concept: Embedder = {
  id: 'concept-test',
  dimensions: 512,
  similarity: { relevant: 0.5, duplicate: 0.95 },
  embed: async (texts) =>
    texts.map((text) => {
      const v = new Array<number>(512).fill(0);
      for (const w of text.toLowerCase().split(/\W+/))
        v[CONCEPTS[w] ?? 100 + (w.length % 300)]! += 1;
      const norm = Math.hypot(...v) || 1;
      return v.map((x) => x / norm);
    }),
};

beforeAll(async () => {
  t = await startTestApp();
  services = t.app.services;
});
afterAll(() => t.close());

async function owner() {
  const tenantId = await seedTenant(t.db.knex);
  return { tenantId, userId: await seedUser(t.db.knex, tenantId) };
}

describe('recall retrievers', () => {
  it('finds a past message by meaning alone with a model embedder (no shared word)', async () => {
    const o = await owner();
    const c = await seedConversation(t.db.knex, o);
    const kitten = await seedMessage(t.db.knex, concept, o, c, 'We adopted a kitten, Miso', 1);
    await seedMessage(t.db.knex, concept, o, c, 'Tennis racket restrung yesterday', 2);
    const withModel = {
      ...services,
      memory: new MemoryService(concept, { recallBudgetMs: 10_000, cleanupIntervalMs: 0 }),
    };
    const r = await recall(withModel, o, 'my cat', BUDGET);
    expect(r.passages.map((p) => [p.id, p.retriever])).toEqual([[kitten, 'vector']]);
  });

  it('finds past messages by their words with the hashing embedder, scored by vector too', async () => {
    const o = await owner();
    const c = await seedConversation(t.db.knex, o);
    const kitten = await seedMessage(
      t.db.knex,
      services.memory.embedder,
      o,
      c,
      'We adopted a kitten, Miso',
      1,
    );
    const r = await recall(services, o, 'kitten Miso', BUDGET);
    expect(r.passages.map((p) => [p.id, p.retriever])).toEqual([[kitten, 'both']]);
  });

  it('leaves vector rows under the floor out of the statement, never a word match', async () => {
    const o = await owner();
    const embedder = services.memory.embedder;
    const miso = await seedMemory(t.db.knex, embedder, o, { text: "User's kitten is called Miso" });
    const tennis = await seedMemory(t.db.knex, embedder, o, {
      text: 'User plays tennis on Sundays',
    });
    const search = async (minSimilarity?: number) =>
      (
        await searchHits(services.sql, o, {
          terms: queryTerms('Miso'),
          vector: await services.memory.embedQuery(o, 'Miso'),
          memories: { lexical: RECALL_CANDIDATES.memoryLexical, vector: 20 },
          perTerm: RECALL_CANDIDATES.perTerm,
          minSimilarity,
        })
      ).hits.map((h) => h.id);
    // Unfloored, the vector arm returns its nearest rows whatever their similarity.
    expect((await search()).sort()).toEqual([miso, tennis].sort());
    expect(await search(embedder.similarity.relevant)).toEqual([miso]);
    // A word match stays however high the vector floor.
    expect(await search(0.999)).toEqual([miso]);
  });

  it('runs every shape of the statement: modes, with and without messages, both embedders', async () => {
    const model = new MemoryService(concept, { recallBudgetMs: 10_000, cleanupIntervalMs: 0 });
    const modes: SearchMode[] = ['hybrid', 'text', 'vector'];
    for (const memory of [services.memory, model]) {
      const o = await owner();
      const c = await seedConversation(t.db.knex, o);
      await seedMessage(t.db.knex, memory.embedder, o, c, 'My kitten Miso loves tennis balls', 1);
      await seedMemory(t.db.knex, memory.embedder, o, { text: "User's kitten is Miso" });
      for (const mode of modes)
        for (const includeMessages of [true, false]) {
          const r = await recall({ ...services, memory }, o, 'kitten Miso', {
            ...BUDGET,
            mode,
            includeMessages,
          });
          const shape = { embedder: memory.embedder.id, mode, includeMessages };
          expect({ ...shape, degraded: r.degraded, memories: r.memories.length }).toEqual({
            ...shape,
            degraded: null,
            memories: 1,
          });
        }
    }
  });
});
