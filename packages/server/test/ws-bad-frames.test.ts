import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { TestApp, TestTenant } from './helpers/test-app.js';
import { startTestApp } from './helpers/test-app.js';
import type { WsTestClient } from './helpers/ws-client.js';
import { openWs, wsUrl } from './helpers/ws-client.js';

let t: TestApp;
let tenant: TestTenant;
let token: string;
let conv: string;
let client: WsTestClient;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.createTenant();
  token = (await tenant.session()).accessToken;
});
afterAll(() => t.close());

beforeEach(async () => {
  conv = (await t.request('POST', '/v1/conversations', { token, body: {} })).body.id;
  client = await openWs(wsUrl(t.url), { token });
  await client.waitFor((f) => f.type === 'ready');
  return () => client.close();
});

/** The connection still works: a whole turn streams after the bad frame. */
async function stillUsable(): Promise<void> {
  client.send({ type: 'message.send', conversationId: conv, content: 'Still there?' });
  const events = await client.turn(conv);
  expect(events.at(-1).type).toBe('response.completed');
  expect(client.ws.readyState).toBe(WebSocket.OPEN);
}

async function stored(): Promise<any[]> {
  return (await t.request('GET', `/v1/conversations/${conv}/messages`, { token })).body.data;
}

describe('bad WebSocket frames get an error frame and the connection stays usable', () => {
  it('malformed JSON', async () => {
    client.send('{"type": "message.send", ');
    const err = await client.waitFor((f) => f.type === 'error');
    expect(err.error).toMatchObject({
      code: 'invalid_request',
      message: 'Frame is not valid JSON',
    });
    await stillUsable();
  });

  it('JSON that is not an object, and a binary frame', async () => {
    client.send('[1,2,3]');
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await client.waitFor((f) => f.type === 'error' && /object/.test(f.error.message));
    await client.waitFor((f) => f.type === 'error' && /Binary/.test(f.error.message));
    await stillUsable();
  });

  it('an unknown frame type, echoing the ref', async () => {
    client.send({ type: 'message.delete', ref: 'u1', conversationId: conv });
    const err = await client.waitFor((f) => f.ref === 'u1');
    expect(err.error).toMatchObject({
      code: 'invalid_request',
      details: { type: 'message.delete' },
    });
    await stillUsable();
  });

  it('a message.send with missing, blank or unknown fields, storing nothing', async () => {
    client.send({ type: 'message.send', ref: 'missing', conversationId: conv });
    client.send({ type: 'message.send', ref: 'blank', conversationId: conv, content: '   ' });
    client.send({
      type: 'message.send',
      ref: 'extra',
      conversationId: conv,
      content: 'x',
      admin: true,
    });
    client.send({
      type: 'message.send',
      ref: 'long',
      conversationId: conv,
      content: 'x'.repeat(32_001),
    });
    for (const ref of ['missing', 'blank', 'extra', 'long']) {
      const err = await client.waitFor((f) => f.ref === ref);
      expect(err.error.code).toBe('invalid_request');
      expect(err.error.details.length).toBeGreaterThan(0);
    }
    expect(await stored()).toEqual([]);
    await stillUsable();
  });

  it('a conversation id that is not a uuid, or does not exist, is not_found', async () => {
    client.send({ type: 'message.send', ref: 'bad-id', conversationId: 'nope', content: 'x' });
    client.send({
      type: 'message.send',
      ref: 'no-such',
      conversationId: '00000000-0000-4000-8000-000000000000',
      content: 'x',
    });
    expect((await client.waitFor((f) => f.ref === 'bad-id')).error.code).toBe('not_found');
    expect((await client.waitFor((f) => f.ref === 'no-such')).error.code).toBe('not_found');
    await stillUsable();
  });

  it('a 1 MiB frame is refused as payload_too_large with its ref', async () => {
    client.send(
      JSON.stringify({
        ref: 'big',
        type: 'message.send',
        conversationId: conv,
        content: 'x'.repeat(1024 * 1024),
      }),
    );
    const err = await client.waitFor(
      (f) => f.type === 'error' && f.error.code === 'payload_too_large',
    );
    expect(err.ref).toBe('big');
    expect(err.error.details.limit).toBeLessThan(1024 * 1024);
    expect(await stored()).toEqual([]);
    await stillUsable();
  });

  it('a frame beyond the hard limit (5 MiB) closes the connection with 1009', async () => {
    client.send('"' + 'x'.repeat(5 * 1024 * 1024) + '"');
    expect((await client.closed).code).toBe(1009);
  });

  it('a tool answer for no waiting call is not_found', async () => {
    client.send({ type: 'tool.result', ref: 'tr', toolCallId: 'call_none', result: 1 });
    client.send({ type: 'tool.approval', ref: 'ta', toolCallId: 'call_none', approved: true });
    expect((await client.waitFor((f) => f.ref === 'tr')).error.code).toBe('not_found');
    expect((await client.waitFor((f) => f.ref === 'ta')).error.code).toBe('not_found');
    await stillUsable();
  });

  it('an upgrade on another path is refused', async () => {
    await expect(openWs(wsUrl(t.url, '/v1/other'))).rejects.toThrow(/404/);
  });
});
