import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExtraction } from '../../src/memory/extraction/extract-job.js';
import type { TestApp } from '../helpers/test-app.js';
import { startTestApp } from '../helpers/test-app.js';
import { seedConversation, seedMessage, seedTenant, seedUser } from './seed.js';

// Rule-based extraction (offline provider) of facts about the people a user talks about.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('memories about other people', () => {
  it("keeps a relative's move apart from the user's home, and updates only theirs", async () => {
    const tenantId = await seedTenant(t.db.knex);
    const owner = { tenantId, userId: await seedUser(t.db.knex, tenantId) };
    const conversationId = await seedConversation(t.db.knex, owner);
    let seq = 0;
    const say = async (content: string) => {
      const id = await seedMessage(
        t.db.knex,
        t.app.services.memory.embedder,
        owner,
        conversationId,
        content,
        ++seq,
      );
      await runExtraction(t.app.services, {
        ...owner,
        conversationId,
        userMessageId: id,
        assistantMessageId: null,
      });
    };
    await say('I live in Lisbon.');
    await say('My sister Ana lives in Porto.');
    await say('Guess what, Ana moved to Oslo last month!');
    const mine = { tenant_id: tenantId, user_id: owner.userId };
    const current = await t.db
      .knex('memories')
      .where(mine)
      .whereNull('invalidated_at')
      .orderBy('text')
      .pluck('text');
    expect(current).toEqual(['User lives in Lisbon', "User's sister Ana lives in Oslo"]);
    const history = await t.db
      .knex('memories')
      .where(mine)
      .whereNotNull('invalidated_at')
      .pluck('text');
    expect(history).toEqual(["User's sister Ana lives in Porto"]);
  });
});
