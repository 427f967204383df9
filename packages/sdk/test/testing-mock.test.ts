import { describe, expect, it } from 'vitest';
import type { ParleyEvent } from '@parley/sdk';
import {
  APIConnectionError,
  APIUserAbortError,
  createClient,
  PermissionDeniedError,
  RateLimitError,
} from '@parley/sdk';
import { createMockParley } from '@parley/sdk/testing';

/** `@parley/sdk/testing`: what a user's own tests get, without a Parley server. */
function setup(reply?: (q: string) => string) {
  const parley = createMockParley({ reply });
  const client = createClient({
    baseUrl: parley.baseUrl,
    secretKey: 'sk_test_mock',
    fetch: parley.fetch,
    WebSocket: parley.WebSocket,
  });
  return { parley, client };
}

describe.each(['sse', 'ws'] as const)('the mock Parley over %s', (transport) => {
  it('streams a scripted answer word by word and stores it', async () => {
    const { parley, client } = setup((q) => `You said ${q} and I agree`);
    const conv = await client.conversations.create({ title: 'mocked' });
    const stream = client.messages.send(conv.id, 'hello', { transport });
    const deltas: string[] = [];
    for await (const e of stream) if (e.type === 'text.delta') deltas.push(e.delta);
    expect(deltas).toEqual(['You ', 'said ', 'hello ', 'and ', 'I ', 'agree']);
    expect((await stream.finalMessage()).content).toBe('You said hello and I agree');
    const stored = parley.conversations.get(conv.id)!.messages;
    expect(stored.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    client.close();
  });

  it('a cancel mid-answer leaves an incomplete partial answer', async () => {
    const { parley, client } = setup(() => 'one two three four five six seven eight nine ten');
    const conv = await client.conversations.create();
    const stream = client.messages.send(conv.id, 'count', { transport });
    const seen: ParleyEvent[] = [];
    for await (const e of stream) {
      seen.push(e);
      if (e.type === 'text.delta') break;
    }
    await expect(stream.text()).rejects.toBeInstanceOf(APIUserAbortError);
    // The mock finishes the turn the way the server does, a moment later.
    await parley.settled(conv.id);
    const answer = parley.conversations.get(conv.id)!.messages[1]!;
    expect(answer.status).toBe('incomplete');
    expect(answer.content.length).toBeLessThan(
      'one two three four five six seven eight nine ten'.length,
    );
    client.close();
  });

  it('expired tokens are refreshed transparently', async () => {
    const { parley, client } = setup();
    const conv = await client.conversations.create();
    await client.messages.send(conv.id, 'first', { transport }).finalMessage();
    parley.expireTokens();
    const second = await client.messages.send(conv.id, 'second', { transport }).finalMessage();
    expect(second.content).toBe('Echo: second');
    expect(parley.requests.filter((r) => r.path === '/v1/sessions/refresh')).toHaveLength(1);
    if (transport === 'ws') {
      // Refused with the frame's ref, re-authenticated on the same socket, sent again.
      expect(parley.sockets).toHaveLength(1);
      expect(parley.sockets[0]!.sent.map((f) => f.type)).toEqual([
        'message.send',
        'message.send',
        'auth',
        'message.send',
      ]);
    }
    client.close();
  });
});

describe('the mock Parley', () => {
  it('a dropped WebSocket fails the streaming answer; the next send reconnects', async () => {
    const { parley, client } = setup(() => 'a b c d e f g h');
    const conv = await client.conversations.create();
    const stream = client.messages.send(conv.id, 'x', { transport: 'ws' });
    const err = await (async () => {
      for await (const e of stream) if (e.type === 'text.delta') parley.sockets[0]!.drop();
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIConnectionError);
    const again = await client.messages.send(conv.id, 'y', { transport: 'ws' }).finalMessage();
    expect(again.content).toBe('a b c d e f g h');
    expect(parley.sockets).toHaveLength(2);
    client.close();
  });

  it('fails the next matching request with the error you choose', async () => {
    const { parley, client } = setup();
    parley.failNext(
      { method: 'GET', path: '/v1/conversations' },
      { status: 403, code: 'forbidden' },
    );
    await expect(client.conversations.list()).rejects.toBeInstanceOf(PermissionDeniedError);
    parley.failNext(
      { path: /^\/v1\/conversations$/ },
      { status: 429, code: 'rate_limited', retryAfter: 300 },
    );
    const err = await client.conversations.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).retryAfter).toBe(300);
    expect((await client.conversations.list()).data).toEqual([]);
  });
});
