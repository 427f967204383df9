import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTRACT_PROMPT } from '../../src/memory/extraction/model-extractor.js';
import { OfflineProvider } from '../../src/providers/offline-provider.js';
import { OpenAIProvider } from '../../src/providers/openai-provider.js';
import { ProviderRegistry } from '../../src/providers/registry.js';
import type { TestApp, TestTenant } from '../helpers/test-app.js';
import { parseSse, startTestApp } from '../helpers/test-app.js';
import type { ChatBody } from './openai-replay.js';
import { isolateNetwork, replayChat } from './openai-replay.js';
import { seedMemory } from './seed.js';
import { nockOpenMeteo } from '../helpers/tool-fixtures.js';

// The scenario through the HTTP API with the offline provider, whose
// extraction falls back to the rule-based extractor and the same decision logic.

let t: TestApp;
let tenant: TestTenant;
let net: ReturnType<typeof isolateNetwork>;

beforeAll(async () => {
  net = isolateNetwork();
  // Offline by default; one tenant below names an OpenAI model (replayed).
  const providers = new ProviderRegistry()
    .register(new OfflineProvider(0))
    .register(new OpenAIProvider({ apiKey: 'sk-test-memory-turn' }));
  // A loaded CI machine may take longer than the production budget (50 ms);
  // these tests are about what is recalled, not how fast.
  t = await startTestApp({ providers, config: { memoryRecallBudgetMs: 30_000 } });
  tenant = await t.createTenant();
});
afterAll(async () => {
  net.restore();
  await t.close();
});

async function turn(token: string, conversationId: string, content: string) {
  const res = await t.request('POST', `/v1/conversations/${conversationId}/messages`, {
    token,
    body: { content },
    headers: { accept: 'text/event-stream' },
  });
  expect(res.status).toBe(200);
  await t.infra.queue.drain(); // extraction runs in the background
  return parseSse(res.text).map((e) => e.data);
}
async function newConversation(token: string): Promise<string> {
  return (await t.request('POST', '/v1/conversations', { token, body: {} })).body.id;
}
const locations = (userId: string) =>
  t.db.knex('memories').where({ user_id: userId, slot: 'location' }).orderBy('created_at');

describe('memory across conversations (offline provider, rule-based extraction)', () => {
  it('remembers a move, recalls it in a new conversation, and updates it on the next move', async () => {
    const { accessToken: token, userId } = await tenant.session();

    const first = await turn(token, await newConversation(token), 'I moved to Lisbon');
    expect(first.some((e) => e.type === 'memory.recalled')).toBe(false); // nothing known yet

    const lisbonWeather = nockOpenMeteo('lisbon');
    const second = await turn(
      token,
      await newConversation(token),
      "What's the weather where I live?",
    );
    const types = second.map((e) => e.type);
    expect(types.slice(0, 3)).toEqual(['message.created', 'memory.recalled', 'response.started']);
    const recalled = second[1]!;
    expect(recalled.memories.map((m: { text: string }) => m.text)).toEqual([
      'User lives in Lisbon',
    ]);
    expect(recalled.responseId).toBe(second.at(-1)!.responseId);
    // The offline provider answers "where I live" from the recalled memory, through the weather tool.
    const started = second.find((e) => e.type === 'tool.started')!;
    expect(started).toMatchObject({ name: 'weather', args: { location: 'Lisbon' } });
    expect(second.find((e) => e.type === 'tool.completed')).toMatchObject({ status: 'ok' });
    expect(second.at(-1)!.message.content).toContain('Lisbon');
    expect(lisbonWeather.every((scope) => scope.isDone())).toBe(true);
    expect(second.map((e) => e.seq)).toEqual(second.map((_, i) => second[0]!.seq + i));
    // Being recalled counts as use (it slows decay and protects it under the cap).
    const used = await t.db.knex('memories').where({ id: recalled.memories[0].id }).first();
    expect(used.access_count).toBe(1);
    expect(used.last_accessed_at).not.toBeNull();

    await turn(token, await newConversation(token), 'I moved to Porto last week.');
    const rows = await locations(userId);
    const current = rows.filter((r) => r.invalidated_at === null);
    expect(current.map((r) => r.text)).toEqual(['User lives in Porto']);
    const lisbon = rows.find((r) => r.text === 'User lives in Lisbon')!;
    expect(lisbon.superseded_by).toBe(current[0]!.id);
    expect(lisbon.invalidated_at).not.toBeNull();

    const fourth = await turn(token, await newConversation(token), 'Where do I live now?');
    const texts = fourth
      .find((e) => e.type === 'memory.recalled')!
      .memories.map((m: { text: string }) => m.text);
    expect(texts).toEqual(['User lives in Porto']);

    const portoWeather = nockOpenMeteo('porto');
    const fifth = await turn(
      token,
      await newConversation(token),
      "What's the weather where I live now?",
    );
    expect(fifth.find((e) => e.type === 'tool.started')).toMatchObject({
      args: { location: 'Porto' },
    });
    expect(portoWeather.every((scope) => scope.isDone())).toBe(true);
  });

  it('forgets on request, and "forget that" drops what was just learned', async () => {
    const { accessToken: token, userId } = await tenant.session();
    const conv = await newConversation(token);
    await turn(token, conv, "I'm vegetarian and my favourite colour is green.");
    await turn(token, conv, 'Please forget that I am vegetarian.');
    const current = () =>
      t.db.knex('memories').where({ user_id: userId }).whereNull('invalidated_at').pluck('text');
    expect(await current()).toEqual(["User's favourite colour is green"]);

    await turn(token, conv, 'I work at Acme Robotics.');
    await turn(token, conv, 'Actually, forget that.');
    expect(await current()).toEqual(["User's favourite colour is green"]);
  });

  it('stores and recalls nothing for a tenant that turned memory off', async () => {
    const off = await t.createTenant({ memory: { enabled: false } });
    const { accessToken: token, userId } = await off.session();
    await turn(token, await newConversation(token), 'I moved to Lisbon');
    const events = await turn(token, await newConversation(token), 'Where do I live?');
    expect(events.some((e) => e.type === 'memory.recalled')).toBe(false);
    expect(await t.db.knex('memories').where({ user_id: userId })).toEqual([]);
  });
});

describe('recalled memories in the model prompt', () => {
  it('reach the model as part of the system message', async () => {
    const shop = await t.createTenant({ models: ['openai:gpt-4o-mini'] });
    const { accessToken: token, userId } = await shop.session();
    await seedMemory(
      t.db.knex,
      t.app.services.memory.embedder,
      { tenantId: shop.id, userId },
      {
        text: 'User lives in Lisbon',
      },
    );
    let system = '';
    const answer = replayChat(
      'openai-text.chunks.txt',
      (b: ChatBody) => {
        if (b.messages[0]?.content === EXTRACT_PROMPT) return false;
        system = b.messages[0]?.content ?? '';
        return true;
      },
      'providers',
    );
    // The background extraction that follows finds nothing to keep.
    const extraction = replayChat(
      'extract-small-talk.chunks.txt',
      (b: ChatBody) => b.messages[0]?.content === EXTRACT_PROMPT,
    );
    const conv = (await t.request('POST', '/v1/conversations', { token, body: {} })).body.id;
    const res = await t.request('POST', `/v1/conversations/${conv}/messages`, {
      token,
      body: { content: "What's the weather where I live?" },
    });
    expect(res.status).toBe(201);
    await t.infra.queue.drain();
    expect(answer.isDone() && extraction.isDone()).toBe(true);
    expect(net.unmatched).toEqual([]);
    expect(system).toContain('What you remember about this user');
    expect(system).toContain('- User lives in Lisbon');
  });
});
