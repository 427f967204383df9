import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { TcpProxy } from '../../server/test/helpers/tcp-proxy.js';
import { startTcpProxy } from '../../server/test/helpers/tcp-proxy.js';
import type { ParleyEvent } from '../src/index.js';
import { APIUserAbortError, createClient } from '../src/index.js';
import type { TestApp, TestTenant } from './helpers.js';
import { startSlowApp } from './helpers.js';

/**
 * Streams as a user's network treats them: a connection cut mid-answer is
 * resumed from the last seq (over SSE, whichever transport broke), an
 * abort tells the server to stop at once, and the helpers (`on`,
 * `toReadableStream`) see the same events as `for await`.
 */

let t: TestApp;
let tenant: TestTenant;
let proxy: TcpProxy;

beforeAll(async () => {
  // Long enough that a cut client may come back (the server keeps the answer going).
  t = await startSlowApp(40, { config: { resumeGraceMs: 30_000 } });
  tenant = await t.createTenant();
  const { port } = new URL(t.url);
  proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(port) });
});
afterAll(async () => {
  await proxy.close();
  await t.close();
});

/** A fetch that remembers each request and, for `POST …/cancel`, the answer. */
function watchingFetch() {
  const seen: string[] = [];
  let cancelled!: (body: unknown) => void;
  const cancelAnswer = new Promise<unknown>((r) => (cancelled = r));
  const f: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    seen.push(`${init?.method ?? 'GET'} ${url.pathname}${url.search}`);
    const res = await fetch(input, init);
    if (url.pathname.endsWith('/cancel')) cancelled(await res.clone().json());
    return res;
  };
  return { fetch: f, seen, cancelAnswer };
}

describe.each(['sse', 'ws'] as const)('a connection cut mid-answer over %s', (transport) => {
  it('is resumed from the last seq: the whole answer, nothing doubled', async () => {
    const w = watchingFetch();
    const c = createClient({
      baseUrl: `http://127.0.0.1:${proxy.port}`,
      secretKey: tenant.secretKey,
      fetch: w.fetch,
      WebSocket,
    });
    const conv = await c.conversations.create();
    const stream = c.messages.send(conv.id, 'cut me off', { transport });
    let cut = false;
    const seqs: number[] = [];
    stream.on('*', (e) => seqs.push(e.seq));
    stream.on('text.delta', () => {
      if (cut) return;
      cut = true;
      proxy.down(); // every open connection of this client is cut…
      proxy.up(); // …and the network is back for the resume
    });
    const message = await stream.finalMessage();
    expect(cut).toBe(true);
    expect(message.status).toBe('complete');
    expect(await stream.text()).toBe(message.content);
    expect(message.content).toContain('"cut me off"');
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
    expect(w.seen.filter((r) => r.includes('/stream?afterSeq='))).toHaveLength(1);
    c.close();
  });
});

describe('stream helpers and abort', () => {
  const client = (f?: typeof fetch) =>
    createClient({ baseUrl: t.url, secretKey: tenant.secretKey, fetch: f, WebSocket });

  it('on(type) and toReadableStream() see the events for-await would', async () => {
    const c = client();
    const conv = await c.conversations.create();
    const stream = c.messages.send(conv.id, 'read me');
    const deltas: string[] = [];
    const all: ParleyEvent[] = [];
    stream.on('text.delta', (e) => deltas.push(e.delta)).on('*', (e) => all.push(e));
    const read: ParleyEvent[] = [];
    const reader = stream.toReadableStream().getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) read.push(r.value);
    expect(read).toEqual(all);
    expect(read.at(-1)?.type).toBe('response.completed');
    expect(deltas.join('')).toBe(await stream.text());
    expect(() => stream.toReadableStream()).toThrow(/only be read once/);
  });

  it('an AbortSignal also calls POST …/cancel, so the server stops the answer at once', async () => {
    const w = watchingFetch();
    const c = client(w.fetch);
    const conv = await c.conversations.create();
    const ctl = new AbortController();
    const stream = c.messages.send(conv.id, 'stop soon', { signal: ctl.signal });
    stream.on('text.delta', () => ctl.abort());
    await expect(stream.text()).rejects.toBeInstanceOf(APIUserAbortError);
    expect(await w.cancelAnswer).toEqual({ cancelled: true });
    expect(w.seen).toContain(`POST /v1/conversations/${conv.id}/cancel`);
  });

  it('keepRunningOnAbort: an abort only stops reading, no cancel is sent', async () => {
    const w = watchingFetch();
    const c = client(w.fetch);
    const conv = await c.conversations.create();
    const ctl = new AbortController();
    const stream = c.messages.send(conv.id, 'keep going', {
      signal: ctl.signal,
      keepRunningOnAbort: true,
    });
    stream.on('text.delta', () => ctl.abort());
    await expect(stream.text()).rejects.toBeInstanceOf(APIUserAbortError);
    await c.conversations.get(conv.id); // any cancel would have been sent before this
    expect(w.seen.filter((r) => r.endsWith('/cancel'))).toEqual([]);
  });

  it('every call takes an AbortSignal', async () => {
    const c = client();
    const ctl = new AbortController();
    ctl.abort();
    const calls = [
      c.conversations.list({}, { signal: ctl.signal }),
      c.conversations.create({}, { signal: ctl.signal }),
      c.memories.list({}, { signal: ctl.signal }),
      c.messages.cancel('4a3b2c1d-0e9f-4a8b-9c7d-6e5f4a3b2c1d', { signal: ctl.signal }),
    ];
    for (const call of calls) await expect(call).rejects.toBeInstanceOf(APIUserAbortError);
  });
});
