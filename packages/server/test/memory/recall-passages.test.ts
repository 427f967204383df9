import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServices } from '../../src/app-services.js';
import { forgetEverything } from '../../src/memory/memory-admin.js';
import { recall } from '../../src/memory/recall.js';
import { promptSectionFor } from '../../src/memory/recall/prompt-section.js';
import type { TestApp } from '../helpers/test-app.js';
import { startTestApp } from '../helpers/test-app.js';
import { seedConversation, seedMemory, seedMessage, seedTenant, seedUser } from './seed.js';

// Past messages as evidence: term rarity, echoes, replies, repeats, and how many.

let t: TestApp;
let services: AppServices;
const BUDGET = { budgetMs: 10_000 }; // no time pressure in tests

beforeAll(async () => {
  t = await startTestApp();
  services = t.app.services;
});
afterAll(() => t.close());

async function owner() {
  const tenantId = await seedTenant(t.db.knex);
  return { tenantId, userId: await seedUser(t.db.knex, tenantId) };
}

/** A past conversation with the given turns (role prefix "a:" for the assistant). */
async function conversation(o: { tenantId: string; userId: string }, turns: string[]) {
  const id = await seedConversation(t.db.knex, o);
  const ids: string[] = [];
  for (const [i, turn] of turns.entries()) {
    const assistant = turn.startsWith('a:');
    ids.push(
      await seedMessage(
        t.db.knex,
        services.memory.embedder,
        o,
        id,
        turn.replace(/^a:\s*/, ''),
        i + 1,
        {
          role: assistant ? 'assistant' : 'user',
        },
      ),
    );
  }
  return ids;
}

describe('recall of past messages', () => {
  it('lets the rare, specific word win over a name the user says all the time', async () => {
    const o = await owner();
    const chatter = Array.from(
      { length: 12 },
      (_, i) => `Maya and I talked about episode ${i} of that show`,
    );
    await conversation(o, chatter);
    const [necklace] = await conversation(o, ['Maya gave me a silver necklace for my birthday']);
    const r = await recall(services, o, 'What did Maya give me? Was it the necklace?', BUDGET);
    expect(r.passages[0]?.id).toBe(necklace);
    expect(r.passages[0]?.retriever).toBe('both');
  });

  it("never counts the user's own earlier questions as evidence", async () => {
    const o = await owner();
    await conversation(o, ['Where does my sister Ana live again?', 'a: I am not sure, remind me?']);
    const [statement] = await conversation(o, ['My sister Ana lives in Porto now']);
    const r = await recall(services, o, 'Where does my sister Ana live?', BUDGET);
    expect(r.passages.map((p) => p.id)).toEqual([statement]);
  });

  it('shows a terse reply with the question it answers, and a question with its answer', async () => {
    const o = await owner();
    const [, question, answer] = await conversation(o, [
      'We adopted a puppy today!!',
      'a: Congratulations! What did you name the puppy?',
      'Biscuit 🙂',
      'a: Lovely name.',
    ]);
    const r = await recall(services, o, 'what is the name of our puppy?', BUDGET);
    const found = r.passages.find((p) => p.id === question || p.id === answer)!;
    const turns = [found.before?.id, found.id, found.after?.id];
    expect(turns).toContain(question);
    expect(turns).toContain(answer);
    expect(promptSectionFor(r)).toMatch(/What did you name the puppy\?.*→.*Biscuit/);
  });

  it('recalls nothing for a question nothing in the history is about', async () => {
    const o = await owner();
    await conversation(o, ['I started pottery classes on Tuesdays', 'a: How fun!']);
    await seedMemory(t.db.knex, services.memory.embedder, o, { text: 'User lives in Lisbon' });
    const r = await recall(services, o, 'How do volcanoes form?', BUDGET);
    expect(r.memories).toEqual([]);
    expect(r.passages).toEqual([]);
    expect(promptSectionFor(r)).toBe('');
  });

  it('drops repeats: the same statement twice, and a message a recalled memory came from', async () => {
    const o = await owner();
    const [first] = await conversation(o, ['I am allergic to shellfish']);
    await conversation(o, ['I am allergic to shellfish!']);
    await seedMemory(t.db.knex, services.memory.embedder, o, {
      text: 'User is allergic to shellfish',
      sourceMessageIds: [first!],
    });
    const r = await recall(services, o, 'Am I allergic to shellfish?', BUDGET);
    expect(r.memories.map((m) => m.text)).toEqual(['User is allergic to shellfish']);
    expect(r.passages.length).toBeLessThanOrEqual(1);
    expect(r.passages.map((p) => p.id)).not.toContain(first);
  });

  it('puts at most 10 items in the prompt however much matches', async () => {
    const o = await owner();
    const places = ['Peru', 'Japan', 'Kenya', 'Chile', 'Norway', 'Egypt', 'Fiji', 'Nepal'];
    for (const [i, place] of places.entries()) {
      await seedMemory(t.db.knex, services.memory.embedder, o, {
        text: `User collects stamps from ${place}`,
      });
      await conversation(o, [
        `Found a ${1900 + i * 7} stamp from ${places[7 - i]} for my collection`,
      ]);
    }
    const r = await recall(services, o, 'stamps in my collection', BUDGET);
    expect(r.memories.length + r.passages.length).toBe(10);
  });

  it('stops recalling past messages after "forget everything"', async () => {
    const o = await owner();
    await conversation(o, ['My locker code at the gym is 4711']);
    expect((await recall(services, o, 'gym locker code', BUDGET)).passages).toHaveLength(1);
    await forgetEverything(t.db.knex, o);
    expect((await recall(services, o, 'gym locker code', BUDGET)).passages).toEqual([]);
  });

  it('says where each passage came from', async () => {
    const o = await owner();
    const conv = await seedConversation(t.db.knex, o);
    const id = await seedMessage(
      t.db.knex,
      services.memory.embedder,
      o,
      conv,
      'My bike is a red Bianchi',
      1,
    );
    const [p] = (await recall(services, o, 'what colour is my bike?', BUDGET)).passages;
    expect(p).toMatchObject({
      id,
      conversationId: conv,
      role: 'user',
      text: 'My bike is a red Bianchi',
    });
    expect(p!.createdAt).toBeInstanceOf(Date);
    expect(p!.score).toBeGreaterThan(0);
  });
});
