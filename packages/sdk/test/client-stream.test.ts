import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { ParleyClient, ParleyEvent } from '../src/index.js';
import {
  APIUserAbortError,
  createClient,
  InternalServerError,
  isParleyError,
  ParleyError,
} from '../src/index.js';
import type { TestApp, TestTenant } from './helpers.js';
import { startSlowApp, startTestApp } from './helpers.js';
import { turnFinished } from '../../server/test/helpers/turn-finished.js';

let t: TestApp;
let tenant: TestTenant;
let slow: TestApp;
let slowTenant: TestTenant;

beforeAll(async () => {
  [t, slow] = await Promise.all([startTestApp(), startSlowApp(200)]);
  [tenant, slowTenant] = await Promise.all([t.createTenant(), slow.createTenant()]);
});
afterAll(async () => {
  await Promise.all([t.close(), slow.close()]);
});

const clients: ParleyClient[] = [];
function client(app: TestApp, tn: TestTenant): ParleyClient {
  const c = createClient({ baseUrl: app.url, secretKey: tn.secretKey, WebSocket });
  clients.push(c);
  return c;
}
afterAll(() => clients.forEach((c) => c.close()));

async function stored(c: ParleyClient, conversationId: string) {
  return (await c.messages.list(conversationId)).data;
}

/** The (partial) answer, once the server has finished the turn and stored it. */
async function storedAnswer(app: TestApp, c: ParleyClient, conversationId: string) {
  await turnFinished(app, conversationId);
  const all = await stored(c, conversationId);
  expect(all).toHaveLength(2);
  return all[1]!;
}

describe.each(['sse', 'ws'] as const)('a streamed answer over %s', (transport) => {
  it('yields typed events in order, then text() and finalMessage()', async () => {
    const c = client(t, tenant);
    const conv = await c.conversations.create();
    const stream = c.messages.send(conv.id, 'Hello from the SDK', { transport });
    const events: ParleyEvent[] = [];
    for await (const e of stream) events.push(e);

    expect(events[0]).toMatchObject({
      type: 'message.created',
      message: { content: 'Hello from the SDK' },
    });
    expect(events[1]).toMatchObject({ type: 'response.started', offline: true });
    expect(events.filter((e) => e.type === 'text.delta').length).toBeGreaterThan(3);
    expect(events.at(-1)!.type).toBe('response.completed');
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));

    const text = await stream.text();
    expect(text).toMatch(/^\[Offline mode.*Hello from the SDK/);
    const message = await stream.finalMessage();
    expect(message).toMatchObject({ role: 'assistant', content: text, status: 'complete' });
    expect((await stored(c, conv.id)).map((m) => m.content)).toEqual(['Hello from the SDK', text]);
  });

  it('the next message can be sent the moment an answer ends (no conversation_busy)', async () => {
    const c = client(t, tenant);
    const conv = await c.conversations.create();
    for (const content of ['one', 'two', 'three', 'four']) {
      const answer = await c.messages.send(conv.id, content, { transport }).finalMessage();
      expect(answer.content).toContain(content);
    }
    expect(await stored(c, conv.id)).toHaveLength(8);
  });

  it('finalMessage() works without reading the events, and a stream is read only once', async () => {
    const c = client(t, tenant);
    const conv = await c.conversations.create();
    const stream = c.messages.send(conv.id, 'Just the answer', { transport });
    const message = await stream.finalMessage();
    expect(message.content).toContain('Just the answer');
    const events: string[] = [];
    for await (const e of stream) events.push(e.type);
    expect(events.at(-1)).toBe('response.completed');
    expect(() => stream[Symbol.asyncIterator]()).toThrow(/only be read once/);
  });

  it('breaking out of for-await cancels; the partial answer is stored as incomplete', async () => {
    const c = client(slow, slowTenant);
    const conv = await c.conversations.create();
    const stream = c.messages.send(conv.id, 'A long story please', { transport });
    let got = '';
    for await (const e of stream) {
      if (e.type === 'text.delta') {
        got += e.delta;
        break;
      }
    }
    expect(got).toMatch(/^\[Offline/);
    await expect(stream.finalMessage()).rejects.toBeInstanceOf(APIUserAbortError);
    const answer = await storedAnswer(slow, c, conv.id);
    expect(answer.status).toBe('incomplete');
    expect(answer.content.startsWith(got)).toBe(true);
    expect(answer.content).not.toContain('A long story please');
  });

  it('an AbortSignal cancels: the reader gets APIUserAbortError', async () => {
    const c = client(slow, slowTenant);
    const conv = await c.conversations.create();
    const ac = new AbortController();
    const stream = c.messages.send(conv.id, 'Stop me', { transport, signal: ac.signal });
    const error = await (async () => {
      for await (const e of stream) if (e.type === 'text.delta') ac.abort();
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(isParleyError(error)).toBe(true);
    expect((await storedAnswer(slow, c, conv.id)).status).toBe('incomplete');
  });

  it('a failed answer ends with response.failed and finalMessage() throws the typed error', async () => {
    // A tenant whose only model is not configured on this server: no answer is possible.
    const tn = await t.createTenant({ models: ['nowhere:model'] });
    const c = client(t, tn);
    const conv = await c.conversations.create();
    const stream = c.messages.send(conv.id, 'Anyone there?', { transport });
    const types: string[] = [];
    for await (const e of stream) types.push(e.type);
    expect(types).toEqual(['message.created', 'response.failed']);
    const err = await stream.finalMessage().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err).toMatchObject({ status: 503, code: 'provider_unavailable' });
    expect(await stream.text()).toBe('');
  });

  it('a refused turn rejects with the HTTP-equivalent error (not found)', async () => {
    const c = client(t, tenant);
    const other = client(t, tenant); // another anonymous user
    const conv = await other.conversations.create();
    const stream = c.messages.send(conv.id, 'Not mine', { transport });
    const err = await stream.finalMessage().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParleyError);
    expect(err).toMatchObject({ status: 404, code: 'not_found' });
    expect(await stored(other, conv.id)).toEqual([]);
  });
});

describe('WebSocket transport', () => {
  it('runs many turns over one shared socket, and close() lets the process exit', async () => {
    let opened = 0;
    const Counting = class extends WebSocket {
      constructor(url: string, protocols: string[]) {
        super(url, protocols);
        opened++;
      }
    };
    const c = createClient({ baseUrl: t.url, secretKey: tenant.secretKey, WebSocket: Counting });
    const [a, b] = await Promise.all([c.conversations.create(), c.conversations.create()]);
    const answers = await Promise.all([
      c.messages.send(a.id, 'first', { transport: 'ws' }).text(),
      c.messages.send(b.id, 'second', { transport: 'ws' }).text(),
    ]);
    expect(answers[0]).toContain('first');
    expect(answers[1]).toContain('second');
    await c.messages.send(a.id, 'third', { transport: 'ws' }).finalMessage();
    expect(opened).toBe(1);
    c.close();
  });

  it('on Node 20 (no global WebSocket, none passed) loads the optional peer `ws` by itself', async () => {
    vi.stubGlobal('WebSocket', undefined);
    try {
      const c = createClient({ baseUrl: t.url, secretKey: tenant.secretKey });
      const conv = await c.conversations.create();
      expect(await c.messages.send(conv.id, 'over ws', { transport: 'ws' }).text()).toContain(
        '"over ws"',
      );
      c.close();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
