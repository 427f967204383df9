import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, NotFoundError } from '../src/index.js';
import type { TestApp, TestTenant } from './helpers.js';
import { startTestApp } from './helpers.js';

let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.createTenant();
});
afterAll(() => t.close());

describe('client.memories and client.me against a real server', () => {
  it('lists, searches, edits, deletes and forgets what the agent learned', async () => {
    const client = createClient({
      baseUrl: t.url,
      secretKey: tenant.secretKey,
      externalUserId: 'mem-sdk',
    });
    const conv = await client.conversations.create();
    await client.messages.send(conv.id, "I moved to Lisbon. I'm vegetarian.").finalMessage();
    await t.infra.queue.drain(); // extraction is a background job

    const page = await client.memories.list();
    expect(page.data.map((m) => m.text).sort()).toEqual([
      'User is vegetarian',
      'User lives in Lisbon',
    ]);
    const recalled = await client.memories.recall('where do I live?');
    expect(recalled.memories.map((m) => m.text)).toEqual(['User lives in Lisbon']);
    expect(recalled.memories[0]!.source).toMatchObject({ conversationId: conv.id, role: 'user' });
    const [lisbon] = await client.memories.search('where do I live');
    expect(lisbon!.text).toBe('User lives in Lisbon');

    const edited = await client.memories.update(lisbon!.id, {
      text: 'User lives in Lisbon, Portugal',
    });
    expect(edited.text).toBe('User lives in Lisbon, Portugal');
    await client.memories.delete(lisbon!.id);
    await expect(client.memories.delete(lisbon!.id)).rejects.toBeInstanceOf(NotFoundError);

    const exported = await client.me.export();
    expect(exported.conversations[0]!.messages[0]!.content).toBe(
      "I moved to Lisbon. I'm vegetarian.",
    );
    expect(exported.memories.map((m) => m.text)).toEqual(['User is vegetarian']);

    expect((await client.memories.forgetAll()).deleted.memories).toBe(1);
    expect((await client.memories.list()).data).toEqual([]);
    client.close();
  });
});
