import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServices } from '../../src/app-services.js';
import type { Embedder } from '../../src/memory/embedder.js';
import { MemoryService } from '../../src/memory/memory-service.js';
import { recall } from '../../src/memory/recall.js';
import type { TestApp } from '../helpers/test-app.js';
import { startTestApp } from '../helpers/test-app.js';
import { seedConversation, seedMemory, seedMessage, seedTenant, seedUser } from './seed.js';

let t: TestApp;
let services: AppServices;
const BUDGET = { budgetMs: 10_000 }; // no time pressure in tests

beforeAll(async () => {
  t = await startTestApp();
  services = t.app.services;
});
afterAll(() => t.close());

async function owner(settings: Record<string, unknown> = {}) {
  const tenantId = await seedTenant(t.db.knex, settings);
  return { tenantId, userId: await seedUser(t.db.knex, tenantId) };
}
const texts = (r: { memories: { text: string }[] }) => r.memories.map((m) => m.text);

describe('memory recall', () => {
  it('returns what is relevant to the message, not everything the user said', async () => {
    const a = await owner();
    for (const text of ['User lives in Lisbon', 'User likes green tea', 'User works at Acme']) {
      await seedMemory(t.db.knex, services.memory.embedder, a, { text });
    }
    const r = await recall(services, a, "what's the weather where I live?", BUDGET);
    expect(texts(r)).toEqual(['User lives in Lisbon']);
    expect(texts(await recall(services, a, 'good morning!', BUDGET))).toEqual([]);
  });

  it('orders comparable matches by importance: swapping importance swaps the order', async () => {
    const order = async (playsImportance: number, watchesImportance: number) => {
      const o = await owner();
      await seedMemory(t.db.knex, services.memory.embedder, o, {
        text: 'User plays tennis on weekends',
        importance: playsImportance,
      });
      await seedMemory(t.db.knex, services.memory.embedder, o, {
        text: 'User watches tennis on weekends',
        importance: watchesImportance,
      });
      return texts(await recall(services, o, 'any tennis plans this weekend?', BUDGET));
    };
    expect(await order(0.9, 0.1)).toEqual([
      'User plays tennis on weekends',
      'User watches tennis on weekends',
    ]);
    expect(await order(0.1, 0.9)).toEqual([
      'User watches tennis on weekends',
      'User plays tennis on weekends',
    ]);
  });

  it('orders comparable matches by recency of use: swapping ages swaps the order', async () => {
    const order = async (playsAge: number, watchesAge: number) => {
      const o = await owner();
      await seedMemory(t.db.knex, services.memory.embedder, o, {
        text: 'User plays tennis on weekends',
        daysAgo: playsAge,
      });
      await seedMemory(t.db.knex, services.memory.embedder, o, {
        text: 'User watches tennis on weekends',
        daysAgo: watchesAge,
      });
      return texts(await recall(services, o, 'any tennis plans this weekend?', BUDGET));
    };
    expect((await order(0, 300))[0]).toBe('User plays tennis on weekends');
    expect((await order(300, 0))[0]).toBe('User watches tennis on weekends');
  });

  it('ranks a close match above a loose one even when the loose one is more important', async () => {
    const o = await owner();
    await seedMemory(t.db.knex, services.memory.embedder, o, {
      text: 'User is allergic to peanuts and tree nuts',
      importance: 0.95,
    });
    await seedMemory(t.db.knex, services.memory.embedder, o, {
      text: 'User loves peanut butter cookies',
      importance: 0.3,
    });
    const r = await recall(services, o, 'can you suggest peanut butter cookies?', BUDGET);
    expect(texts(r)).toEqual([
      'User loves peanut butter cookies',
      'User is allergic to peanuts and tree nuts',
    ]);
  });

  it('never returns superseded, forgotten or expired memories', async () => {
    const o = await owner();
    const k = t.db.knex;
    await seedMemory(k, services.memory.embedder, o, {
      text: 'User lives in Lisbon',
      invalidated: true,
    });
    await seedMemory(k, services.memory.embedder, o, {
      text: 'User lives in Faro',
      expiresInDays: -1,
    });
    await seedMemory(k, services.memory.embedder, o, { text: 'User lives in Porto' });
    expect(texts(await recall(services, o, 'where do I live?', BUDGET))).toEqual([
      'User lives in Porto',
    ]);
  });

  it("never returns another user's or another tenant's memories", async () => {
    const a = await owner();
    const sameTenant = { tenantId: a.tenantId, userId: await seedUser(t.db.knex, a.tenantId) };
    const otherTenant = await owner();
    const mine = await seedMemory(t.db.knex, services.memory.embedder, a, {
      text: 'User lives in Lisbon',
    });
    for (const o of [sameTenant, otherTenant]) {
      await seedMemory(t.db.knex, services.memory.embedder, o, { text: 'User lives in Lisbon' });
      await seedMemory(t.db.knex, services.memory.embedder, o, { text: 'User lives in Madrid' });
    }
    const r = await recall(services, a, 'where do I live?', BUDGET);
    expect(r.memories.map((m) => m.id)).toEqual([mine]);
    // …and the user with no memory of their own recalls nothing of anybody's.
    const empty = { tenantId: a.tenantId, userId: await seedUser(t.db.knex, a.tenantId) };
    expect(texts(await recall(services, empty, 'where do I live?', BUDGET))).toEqual([]);
  });

  it("recalls the user's own messages from other conversations, not this one's", async () => {
    const a = await owner();
    const b = { tenantId: a.tenantId, userId: await seedUser(t.db.knex, a.tenantId) };
    const k = t.db.knex;
    const e = services.memory.embedder;
    const past = await seedConversation(k, a);
    const now = await seedConversation(k, a);
    const theirs = await seedConversation(k, b);
    const wanted = await seedMessage(k, e, a, past, 'My sourdough starter is called Bubbles', 1);
    await seedMessage(k, e, a, now, 'How is my sourdough starter doing?', 1);
    await seedMessage(k, e, b, theirs, 'My sourdough starter is called Doughy', 1);
    const r = await recall(services, a, 'sourdough starter tips', {
      ...BUDGET,
      conversationId: now,
    });
    expect(r.passages.map((m) => m.id)).toEqual([wanted]);
  });

  it('answers from full text alone when the embedder does not answer in time', async () => {
    const o = await owner();
    await seedMemory(t.db.knex, services.memory.embedder, o, { text: 'User lives in Lisbon' });
    const real = services.memory.embedder;
    const stalled: Embedder = {
      id: 'stalled',
      dimensions: real.dimensions,
      similarity: real.similarity,
      embed: () => new Promise(() => {}), // a remote embedder that never answers
    };
    const slow = {
      ...services,
      memory: new MemoryService(stalled, { recallBudgetMs: 2000, cleanupIntervalMs: 0 }),
    };
    const r = await recall(slow, o, 'where do I live?', { budgetMs: 2000 });
    expect(r.degraded).toBe('embedding');
    expect(texts(r)).toEqual(['User lives in Lisbon']);
  });

  it('fits what it returns into the token budget', async () => {
    const o = await owner();
    for (let i = 0; i < 12; i++) {
      await seedMemory(t.db.knex, services.memory.embedder, o, {
        text: `User collects vintage cameras, model number ${i} ${'x'.repeat(60)}`,
      });
    }
    const r = await recall(services, o, 'vintage cameras', {
      ...BUDGET,
      tuning: { maxChars: 240 },
    });
    const chars = r.memories.reduce((n, m) => n + m.text.length + 4, 0);
    expect(r.memories.length).toBeGreaterThan(0);
    expect(chars).toBeLessThanOrEqual(60 * 4);
  });
});
