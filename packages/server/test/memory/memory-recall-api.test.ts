import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp, TestTenant } from '../helpers/test-app.js';
import { parseSse, startTestApp } from '../helpers/test-app.js';

// GET /v1/memories/recall: exactly what a turn would recall (same function), visible to the user.

let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  // A loaded CI machine may take longer than the production budget; this is about what, not how fast.
  t = await startTestApp({ config: { memoryRecallBudgetMs: 30_000 } });
  tenant = await t.createTenant();
});
afterAll(() => t.close());

async function turn(token: string, content: string) {
  const conv = (await t.request('POST', '/v1/conversations', { token, body: {} })).body
    .id as string;
  const res = await t.request('POST', `/v1/conversations/${conv}/messages`, {
    token,
    body: { content },
    headers: { accept: 'text/event-stream' },
  });
  expect(res.status).toBe(200);
  await t.infra.queue.drain(); // extraction and message indexing run in the background
  return { conv, events: parseSse(res.text).map((e) => e.data) };
}
const recallFor = (token: string, q: string) =>
  t.request('GET', `/v1/memories/recall?q=${encodeURIComponent(q)}`, { token });

describe('GET /v1/memories/recall', () => {
  it('returns the memories and past messages a turn would get, with their sources', async () => {
    const { accessToken: token } = await tenant.session();
    const first = await turn(token, 'I moved to Lisbon. My sister Ana lives in Porto.');
    const res = await recallFor(token, 'Where does my sister Ana live?');
    expect(res.status).toBe(200);
    expect(res.body.degraded).toBeNull();
    expect(res.body.memories.map((m: { text: string }) => m.text)).toContain(
      "User's sister Ana lives in Porto",
    );
    const ana = res.body.memories.find((m: { text: string }) => m.text.includes('Ana'));
    expect(ana).toMatchObject({ kind: 'fact', retriever: expect.stringMatching(/lexical|both/) });
    expect(ana.source).toMatchObject({ conversationId: first.conv, role: 'user' });
    expect(typeof ana.score).toBe('number');

    // The turn asking the same thing in a new conversation recalls the same memories.
    const asked = await turn(token, 'Where does my sister Ana live?');
    const event = asked.events.find((e) => e.type === 'memory.recalled')!;
    expect(event.memories.map((m: { id: string }) => m.id)).toEqual(
      res.body.memories.map((m: { id: string }) => m.id),
    );
  });

  it("shows a user nothing of another user's", async () => {
    const a = await tenant.session();
    const b = await tenant.session();
    await turn(a.accessToken, 'My locker code at the gym is 4711');
    const mine = await recallFor(a.accessToken, 'gym locker code');
    expect(mine.body.passages.length + mine.body.memories.length).toBeGreaterThan(0);
    const theirs = await recallFor(b.accessToken, 'gym locker code');
    expect(theirs.status).toBe(200);
    expect(theirs.body).toEqual({ memories: [], passages: [], degraded: null });
  });

  it('refuses bad input with 400 and no credentials with 401', async () => {
    const { accessToken: token } = await tenant.session();
    for (const path of [
      '/v1/memories/recall',
      '/v1/memories/recall?q=',
      '/v1/memories/recall?q=%20%20',
      `/v1/memories/recall?q=${'x'.repeat(4001)}`,
      '/v1/memories/recall?q=hi&conversationId=nope',
      '/v1/memories/recall?q=hi&extra=1',
    ]) {
      const res = await t.request('GET', path, { token });
      expect(res.status, path).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
    expect((await t.request('GET', '/v1/memories/recall?q=hi')).status).toBe(401);
  });
});
