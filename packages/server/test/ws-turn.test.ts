import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OfflineProvider } from '../src/providers/offline-provider.js';
import { ProviderRegistry } from '../src/providers/registry.js';
import type { TestApp, TestTenant } from './helpers/test-app.js';
import { parseSse, startTestApp } from './helpers/test-app.js';
import { turnFinished } from './helpers/turn-finished.js';
import { openWs, wsUrl } from './helpers/ws-client.js';

let t: TestApp;
let tenant: TestTenant;
// A slow offline provider (a word every 200 ms) so a cancel lands mid-answer.
let slow: TestApp;
let slowTenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.createTenant();
  slow = await startTestApp({
    providers: new ProviderRegistry().register(new OfflineProvider(200)),
  });
  slowTenant = await slow.createTenant();
});
afterAll(async () => {
  await t.close();
  await slow.close();
});

async function conversation(app: TestApp, token: string): Promise<string> {
  const res = await app.request('POST', '/v1/conversations', { token, body: {} });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function messages(app: TestApp, token: string, conversationId: string): Promise<any[]> {
  const res = await app.request('GET', `/v1/conversations/${conversationId}/messages`, { token });
  return res.body.data;
}

describe('a turn over WebSocket', () => {
  it('streams the same protocol events as SSE and stores both messages', async () => {
    const { accessToken } = await tenant.session();
    const overWs = await conversation(t, accessToken);
    const overSse = await conversation(t, accessToken);
    const client = await openWs(wsUrl(t.url), { token: accessToken });
    try {
      await client.waitFor((f) => f.type === 'ready');
      client.send({
        type: 'message.send',
        ref: 'r1',
        conversationId: overWs,
        content: 'Same protocol?',
        clientMessageId: 'ws-1',
      });
      const wsEvents = await client.turn(overWs);

      const sse = await t.request('POST', `/v1/conversations/${overSse}/messages`, {
        token: accessToken,
        body: { content: 'Same protocol?' },
        headers: { accept: 'text/event-stream' },
      });
      const sseEvents = parseSse(sse.text).map((e) => e.data);

      expect(wsEvents.map((e) => e.type)).toEqual(sseEvents.map((e) => e.type));
      expect(wsEvents.map((e) => e.seq)).toEqual(wsEvents.map((_, i) => i + 1));
      expect(wsEvents[1]).toMatchObject({ type: 'response.started', offline: true });
      const text = wsEvents
        .filter((e) => e.type === 'text.delta')
        .map((e) => e.delta)
        .join('');
      expect(text).toMatch(/^\[Offline mode/);
      expect(wsEvents.at(-1)).toMatchObject({
        type: 'response.completed',
        message: { content: text, status: 'complete' },
      });

      const stored = await messages(t, accessToken, overWs);
      expect(stored.map((m) => [m.role, m.content])).toEqual([
        ['user', 'Same protocol?'],
        ['assistant', text],
      ]);
      expect(stored[0].clientMessageId).toBe('ws-1');
    } finally {
      await client.close();
    }
  });

  it('sends the last event only when the conversation is free for the next message', async () => {
    const { accessToken } = await tenant.session();
    const conv = await conversation(t, accessToken);
    const client = await openWs(wsUrl(t.url), { token: accessToken });
    try {
      for (const [i, content] of ['one', 'two', 'three', 'four'].entries()) {
        client.send({ type: 'message.send', ref: `m${i}`, conversationId: conv, content });
        const end = await client.waitFor(
          (f) =>
            f.ref === `m${i}` ||
            (f.type === 'response.completed' && f.message.content.includes(`"${content}"`)),
        );
        expect(end.type).toBe('response.completed');
      }
      expect(await messages(t, accessToken, conv)).toHaveLength(8);
    } finally {
      await client.close();
    }
  });

  it('response.cancel stops the answer and keeps the partial text marked incomplete', async () => {
    const { accessToken } = await slowTenant.session();
    const conv = await conversation(slow, accessToken);
    const client = await openWs(wsUrl(slow.url), { token: accessToken });
    try {
      client.send({ type: 'message.send', conversationId: conv, content: 'Tell me a long story' });
      await client.waitFor((f) => f.type === 'text.delta');
      client.send({ type: 'response.cancel', conversationId: conv });
      const events = await client.turn(conv);
      const end = events.at(-1);
      expect(end.type).toBe('response.failed');
      expect(end.error.code).toBe('cancelled');
      expect(end.message.status).toBe('incomplete');
      expect(end.message.content).toMatch(/^\[Offline/);
      // The full offline answer echoes the question; a cancelled one stops before it.
      expect(end.message.content).not.toContain('Tell me a long story');

      const stored = await messages(slow, accessToken, conv);
      expect(stored[1]).toMatchObject({ role: 'assistant', status: 'incomplete' });
      expect(stored[1].content).toBe(end.message.content);

      // The connection and the conversation are free for the next turn.
      client.send({ type: 'ping', ref: 'after-cancel' });
      await client.waitFor((f) => f.type === 'pong' && f.ref === 'after-cancel');
    } finally {
      await client.close();
    }
  });

  it('a cancel that arrives before the turn began means it never starts', async () => {
    const { accessToken } = await slowTenant.session();
    const conv = await conversation(slow, accessToken);
    const client = await openWs(wsUrl(slow.url), { token: accessToken });
    try {
      await client.waitFor((f) => f.type === 'ready');
      client.send({
        type: 'message.send',
        ref: 'never',
        conversationId: conv,
        content: 'Never mind',
      });
      client.send({ type: 'response.cancel', conversationId: conv });
      // The refused turn answers its own ref once it has let go of the conversation.
      expect((await client.waitFor((f) => f.ref === 'never')).error.code).toBe('cancelled');
      client.send({ type: 'message.send', ref: 'next', conversationId: conv, content: 'This one' });
      const events = await client.waitFor((f) => f.type === 'message.created');
      expect(events.message.content).toBe('This one');
      expect(events.seq).toBe(1);
      client.send({ type: 'response.cancel', conversationId: conv });
      await client.waitFor((f) => f.type === 'response.failed');
      const stored = await messages(slow, accessToken, conv);
      expect(stored.map((m) => m.content)).not.toContain('Never mind');
    } finally {
      await client.close();
    }
  });

  it('a dropped connection stops generation and keeps the partial answer', async () => {
    const { accessToken } = await slowTenant.session();
    const conv = await conversation(slow, accessToken);
    const client = await openWs(wsUrl(slow.url), { token: accessToken });
    client.send({ type: 'message.send', conversationId: conv, content: 'Going away soon' });
    await client.waitFor((f) => f.type === 'text.delta');
    client.ws.terminate();

    // The server notices the dropped socket, cancels, and stores what streamed.
    await client.closed;
    await turnFinished(slow, conv);
    const stored = await messages(slow, accessToken, conv);
    expect(stored[1]).toMatchObject({ role: 'assistant', status: 'incomplete' });
    expect(stored[1].content).not.toContain('Going away soon');
  });

  it("refuses another user's or another tenant's conversation with not_found, storing nothing", async () => {
    const owner = await tenant.session();
    const conv = await conversation(t, owner.accessToken);
    const otherUser = await tenant.session();
    const otherTenant = await (await t.createTenant()).session();

    for (const intruder of [otherUser, otherTenant]) {
      const client = await openWs(wsUrl(t.url), { token: intruder.accessToken });
      try {
        client.send({ type: 'message.send', ref: 's', conversationId: conv, content: 'mine now' });
        client.send({ type: 'response.cancel', ref: 'c', conversationId: conv });
        client.send({ type: 'subscribe', ref: 'sub', conversationId: conv, afterSeq: 0 });
        for (const ref of ['s', 'c', 'sub']) {
          const err = await client.waitFor((f) => f.type === 'error' && f.ref === ref);
          expect(err.error.code).toBe('not_found');
          expect(err.fatal).toBeUndefined();
        }
        expect(client.frames.some((f) => f.conversationId === conv)).toBe(false);
      } finally {
        await client.close();
      }
    }
    expect(await messages(t, owner.accessToken, conv)).toEqual([]);
  });

  it('refuses a second turn in a busy conversation and one beyond the in-flight limit', async () => {
    const { accessToken } = await slowTenant.session();
    const convs = await Promise.all([1, 2, 3, 4, 5].map(() => conversation(slow, accessToken)));
    const client = await openWs(wsUrl(slow.url), { token: accessToken });
    try {
      client.send({ type: 'message.send', ref: 'a', conversationId: convs[0], content: 'one' });
      await client.waitFor((f) => f.type === 'text.delta' && f.conversationId === convs[0]);
      client.send({ type: 'message.send', ref: 'busy', conversationId: convs[0], content: 'two' });
      const busy = await client.waitFor((f) => f.type === 'error' && f.ref === 'busy');
      expect(busy.error.code).toBe('conversation_busy');

      for (const [i, c] of convs.slice(1, 4).entries()) {
        client.send({ type: 'message.send', ref: `ok${i}`, conversationId: c, content: 'more' });
      }
      for (const c of convs.slice(1, 4)) {
        await client.waitFor((f) => f.type === 'text.delta' && f.conversationId === c);
      }
      client.send({ type: 'message.send', ref: 'fifth', conversationId: convs[4], content: 'x' });
      const limited = await client.waitFor((f) => f.type === 'error' && f.ref === 'fifth');
      expect(limited.error.code).toBe('rate_limited');
      expect(await messages(slow, accessToken, convs[4]!)).toEqual([]);

      for (const c of convs.slice(0, 4))
        client.send({ type: 'response.cancel', conversationId: c });
      for (const c of convs.slice(0, 4)) {
        expect((await client.turn(c)).at(-1).error.code).toBe('cancelled');
      }
      // A slot is free again.
      client.send({ type: 'message.send', ref: 'again', conversationId: convs[4], content: 'x' });
      await client.waitFor((f) => f.type === 'text.delta' && f.conversationId === convs[4]);
      client.send({ type: 'response.cancel', conversationId: convs[4] });
      await client.turn(convs[4]!);
    } finally {
      await client.close();
    }
  });

  it('subscribe replays the stored messages after afterSeq', async () => {
    const { accessToken } = await tenant.session();
    const conv = await conversation(t, accessToken);
    for (const content of ['first', 'second']) {
      await t.request('POST', `/v1/conversations/${conv}/messages`, {
        token: accessToken,
        body: { content },
      });
    }
    const stored = await messages(t, accessToken, conv);
    const client = await openWs(wsUrl(t.url), { token: accessToken });
    try {
      const afterSeq = stored[1].seq;
      client.send({ type: 'subscribe', ref: 'sub', conversationId: conv, afterSeq });
      // The second turn ended a moment ago: its events come back exactly, after `subscribed`.
      const end = await client.waitFor((f) => f.type === 'response.completed');
      const frames = client.frames.filter((f) => f.type !== 'ready');
      expect(frames[0]).toMatchObject({ type: 'subscribed', conversationId: conv, ref: 'sub' });
      const events = frames.slice(1);
      expect(events[0]).toMatchObject({ type: 'message.created', seq: stored[2].seq });
      expect(events[0].message.content).toBe('second');
      const seqs = events.map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(seqs[0]).toBeGreaterThan(afterSeq);
      const text = events
        .filter((e) => e.type === 'text.delta')
        .map((e) => e.delta)
        .join('');
      expect(text).toBe(stored.at(-1).content);
      expect(end.message).toMatchObject({ id: stored.at(-1).id, seq: stored.at(-1).seq });
    } finally {
      await client.close();
    }
  });
  it('a second tab subscribed while idle sees every later turn live, each event once', async () => {
    const { accessToken } = await tenant.session();
    const conv = await conversation(t, accessToken);
    const tab1 = await openWs(wsUrl(t.url), { token: accessToken });
    const tab2 = await openWs(wsUrl(t.url), { token: accessToken });
    try {
      // Tab 1 also subscribes: its own turn must not reach it twice.
      for (const tab of [tab1, tab2]) {
        tab.send({ type: 'subscribe', ref: 'sub', conversationId: conv, afterSeq: 0 });
        await tab.waitFor((f) => f.type === 'subscribed' && f.ref === 'sub');
      }
      for (const content of ['first', 'second']) {
        tab1.send({ type: 'message.send', conversationId: conv, content });
        const ends = (tab: typeof tab1) =>
          tab.waitFor(
            (f) =>
              f.type === 'response.completed' &&
              f.message?.seq > 0 &&
              f.conversationId === conv &&
              tab.frames.filter((g) => g.type === 'response.completed').length ===
                (content === 'first' ? 1 : 2),
          );
        await Promise.all([ends(tab1), ends(tab2)]);
      }
      const events = (tab: typeof tab1) => tab.frames.filter((f) => typeof f.seq === 'number');
      const seqs = events(tab2).map((f) => f.seq);
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(events(tab1).map((f) => f.seq)).toEqual(seqs);
      const stored = await messages(t, accessToken, conv);
      expect(stored.map((m) => m.content.length > 0)).toEqual([true, true, true, true]);
      const text = (tab: typeof tab1) =>
        events(tab)
          .filter((f) => f.type === 'text.delta')
          .map((f) => f.delta)
          .join('');
      expect(text(tab2)).toBe(stored[1].content + stored[3].content);
    } finally {
      await tab1.close();
      await tab2.close();
    }
  });
});
