import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECIDE_PROMPT } from '../../src/memory/extraction/model-decider.js';
import { EXTRACT_PROMPT } from '../../src/memory/extraction/model-extractor.js';
import { OfflineProvider } from '../../src/providers/offline-provider.js';
import { OpenAIProvider } from '../../src/providers/openai-provider.js';
import { ProviderRegistry } from '../../src/providers/registry.js';
import type { TestApp } from '../helpers/test-app.js';
import { startTestApp } from '../helpers/test-app.js';
import type { ChatBody } from './openai-replay.js';
import { isolateNetwork, replayChat } from './openai-replay.js';

// Extraction with a real model chain: the tenant's OpenAI model extracts facts and
// decides ADD / UPDATE / DELETE / NONE; both calls are replayed from recorded streams.

let t: TestApp;
let net: ReturnType<typeof isolateNetwork>;
let token: string;
let userId: string;
let conversationId: string;

const system = (b: ChatBody) => b.messages[0]?.content ?? '';
const userText = (b: ChatBody) => b.messages[1]?.content ?? '';
const isAnswer = (b: ChatBody) => system(b) !== EXTRACT_PROMPT && system(b) !== DECIDE_PROMPT;

beforeAll(async () => {
  net = isolateNetwork();
  const providers = new ProviderRegistry()
    .register(new OfflineProvider(0))
    .register(new OpenAIProvider({ apiKey: 'sk-test-memory-extraction' }));
  t = await startTestApp({ providers, defaultModels: ['openai:gpt-4o-mini'] });
  const tenant = await t.createTenant();
  const s = await tenant.session();
  token = s.accessToken;
  userId = s.userId;
  const conv = await t.request('POST', '/v1/conversations', { token, body: {} });
  conversationId = conv.body.id;
});
afterAll(async () => {
  net.restore();
  await t.close();
});

async function say(content: string): Promise<{ userMessageId: string }> {
  const res = await t.request('POST', `/v1/conversations/${conversationId}/messages`, {
    token,
    body: { content },
  });
  expect(res.status).toBe(201);
  await t.infra.queue.drain();
  return { userMessageId: res.body.message.id };
}

async function memories() {
  return t.db
    .knex('memories')
    .where({ user_id: userId })
    .orderBy('created_at')
    .select(
      'id',
      'text',
      'kind',
      'importance',
      'slot',
      'source_message_ids',
      'superseded_by',
      'invalidated_at',
    );
}
const current = async () =>
  (await memories())
    .filter((m) => m.invalidated_at === null)
    .map((m) => m.text)
    .sort();

describe('memory extraction with a model', () => {
  it('adds the facts a user states, with importance and provenance', async () => {
    const scopes = [
      replayChat('openai-text.chunks.txt', isAnswer, 'providers'),
      replayChat(
        'extract-add.chunks.txt',
        (b) =>
          system(b) === EXTRACT_PROMPT &&
          userText(b).startsWith("User: I live in Lisbon and I'm vegetarian."),
      ),
      replayChat('decide-add.chunks.txt', (b) => {
        const input = JSON.parse(userText(b));
        return (
          system(b) === DECIDE_PROMPT && input.existing.length === 0 && input.facts.length === 2
        );
      }),
    ];
    const { userMessageId } = await say("I live in Lisbon and I'm vegetarian.");
    for (const s of scopes) expect(s.isDone()).toBe(true);
    expect(net.unmatched).toEqual([]);

    const rows = await memories();
    expect(rows.map((m) => m.text).sort()).toEqual(['User is vegetarian', 'User lives in Lisbon']);
    const lisbon = rows.find((m) => m.text === 'User lives in Lisbon')!;
    expect(lisbon.slot).toBe('location');
    expect(lisbon.importance).toBeCloseTo(0.7);
    expect(lisbon.source_message_ids).toEqual([userMessageId]);

    // The turn's messages were embedded for recall in later conversations.
    const embedded = await t.db
      .knex('messages')
      .where({ conversation_id: conversationId })
      .whereNotNull('embedding')
      .count({ n: '*' });
    expect(Number(embedded[0]!.n)).toBe(2);
  });

  it('updates a changed fact instead of adding a second one, keeping the old as history', async () => {
    const scopes = [
      replayChat('openai-text.chunks.txt', isAnswer, 'providers'),
      replayChat(
        'extract-update.chunks.txt',
        (b) =>
          system(b) === EXTRACT_PROMPT &&
          userText(b).startsWith('User: I moved to Porto last week.'),
      ),
      replayChat('decide-update.chunks.txt', (b) => {
        if (system(b) !== DECIDE_PROMPT) return false;
        const input = JSON.parse(userText(b));
        // The fixture answers "UPDATE 1": id 1 must be the Lisbon memory.
        return input.existing[0]?.id === '1' && input.existing[0]?.text === 'User lives in Lisbon';
      }),
    ];
    const { userMessageId } = await say('I moved to Porto last week.');
    for (const s of scopes) expect(s.isDone()).toBe(true);

    expect(await current()).toEqual(['User is vegetarian', 'User lives in Porto']);
    const rows = await memories();
    const lisbon = rows.find((m) => m.text === 'User lives in Lisbon')!;
    const porto = rows.find((m) => m.text === 'User lives in Porto')!;
    expect(lisbon.invalidated_at).not.toBeNull();
    expect(lisbon.superseded_by).toBe(porto.id);
    expect(porto.source_message_ids).toEqual([userMessageId]);
  });

  it('invalidates a memory when the user asks to forget it', async () => {
    const scopes = [
      replayChat('openai-text.chunks.txt', isAnswer, 'providers'),
      replayChat(
        'extract-forget.chunks.txt',
        (b) =>
          system(b) === EXTRACT_PROMPT &&
          userText(b).startsWith("User: Please forget that I'm vegetarian."),
      ),
      replayChat('decide-forget.chunks.txt', (b) => {
        if (system(b) !== DECIDE_PROMPT) return false;
        const input = JSON.parse(userText(b));
        return input.existing[0]?.id === '1' && input.existing[0]?.text === 'User is vegetarian';
      }),
    ];
    await say("Please forget that I'm vegetarian.");
    for (const s of scopes) expect(s.isDone()).toBe(true);

    expect(await current()).toEqual(['User lives in Porto']);
    const veg = (await memories()).find((m) => m.text === 'User is vegetarian')!;
    expect(veg.invalidated_at).not.toBeNull();
    expect(veg.superseded_by).toBeNull();
  });

  it('changes nothing on small talk, and asks the model nothing more', async () => {
    const before = await memories();
    const scopes = [
      replayChat('openai-text.chunks.txt', isAnswer, 'providers'),
      replayChat(
        'extract-small-talk.chunks.txt',
        (b) =>
          system(b) === EXTRACT_PROMPT &&
          userText(b).startsWith("User: Thanks, that's all for today!"),
      ),
    ];
    await say("Thanks, that's all for today!");
    for (const s of scopes) expect(s.isDone()).toBe(true);
    expect(net.unmatched).toEqual([]); // no decision request was made
    expect(await memories()).toEqual(before);
  });
});
