import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp, TestTenant } from './helpers/test-app.js';
import { parseSse, startTestApp } from './helpers/test-app.js';

let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.createTenant();
});
afterAll(() => t.close());

describe('a streamed chat turn', () => {
  it('streams protocol events with increasing seq and stores both messages', async () => {
    const { accessToken } = await tenant.session();
    const conv = await t.request('POST', '/v1/conversations', { token: accessToken, body: {} });
    expect(conv.status).toBe(201);

    const res = await t.request('POST', `/v1/conversations/${conv.body.id}/messages`, {
      token: accessToken,
      body: { content: 'Hello Parley', clientMessageId: 'c-1' },
      headers: { accept: 'text/event-stream' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = parseSse(res.text);
    const types = events.map((e) => e.data.type);
    expect(types[0]).toBe('message.created');
    expect(types[1]).toBe('response.started');
    expect(types.filter((x) => x === 'text.delta').length).toBeGreaterThan(3);
    expect(types.at(-1)).toBe('response.completed');
    const seqs = events.map((e) => e.data.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(events.map((e) => Number(e.id))).toEqual(seqs);

    // The offline provider says so, in the event and in the text.
    expect(events[1]!.data.offline).toBe(true);
    const text = events
      .filter((e) => e.data.type === 'text.delta')
      .map((e) => e.data.delta)
      .join('');
    expect(text).toMatch(/^\[Offline mode/);

    const completed = events.at(-1)!.data;
    expect(completed.message.content).toBe(text);
    expect(completed.message.status).toBe('complete');

    const list = await t.request('GET', `/v1/conversations/${conv.body.id}/messages`, {
      token: accessToken,
    });
    expect(list.body.data.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    expect(list.body.data[0].content).toBe('Hello Parley');
    expect(list.body.data[0].clientMessageId).toBe('c-1');
    expect(list.body.data[1].content).toBe(text);

    const after = await t.request('GET', `/v1/conversations/${conv.body.id}`, {
      token: accessToken,
    });
    expect(after.body.lastSeq).toBe(seqs.at(-1));
    expect(after.body.title).toBe('Hello Parley');

    // The next turn continues the seq where the last one stopped.
    const second = await t.request('POST', `/v1/conversations/${conv.body.id}/messages`, {
      token: accessToken,
      body: { content: 'Again' },
      headers: { accept: 'text/event-stream' },
    });
    expect(parseSse(second.text)[0]!.data.seq).toBe(seqs.at(-1)! + 1);
  });

  it('answers with JSON when the client does not ask for a stream', async () => {
    const { accessToken } = await tenant.session();
    const conv = await t.request('POST', '/v1/conversations', {
      token: accessToken,
      body: { title: 'json' },
    });
    const res = await t.request('POST', `/v1/conversations/${conv.body.id}/messages`, {
      token: accessToken,
      body: { content: 'Plain JSON please' },
    });
    expect(res.status).toBe(201);
    expect(res.body.message).toMatchObject({ role: 'user', content: 'Plain JSON please', seq: 1 });
    expect(res.body.response).toMatchObject({
      role: 'assistant',
      status: 'complete',
      offline: true,
      provider: 'offline',
    });
  });

  it('refuses a duplicate clientMessageId without storing it twice', async () => {
    const { accessToken } = await tenant.session();
    const conv = await t.request('POST', '/v1/conversations', { token: accessToken, body: {} });
    const path = `/v1/conversations/${conv.body.id}/messages`;
    expect(
      (
        await t.request('POST', path, {
          token: accessToken,
          body: { content: 'once', clientMessageId: 'x' },
        })
      ).status,
    ).toBe(201);
    const dup = await t.request('POST', path, {
      token: accessToken,
      body: { content: 'once', clientMessageId: 'x' },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('conflict');
    const list = await t.request('GET', path, { token: accessToken });
    expect(list.body.data).toHaveLength(2);
  });

  it('lists, paginates, gets and deletes conversations', async () => {
    const { accessToken } = await tenant.session();
    for (let i = 0; i < 5; i++)
      await t.request('POST', '/v1/conversations', {
        token: accessToken,
        body: { title: `c${i}` },
      });
    const first = await t.request('GET', '/v1/conversations?limit=3', { token: accessToken });
    expect(first.body.data).toHaveLength(3);
    expect(first.body.nextCursor).toBeTruthy();
    const second = await t.request(
      'GET',
      `/v1/conversations?limit=3&cursor=${first.body.nextCursor}`,
      { token: accessToken },
    );
    expect(second.body.data).toHaveLength(2);
    expect(second.body.nextCursor).toBeNull();
    const titles = [...first.body.data, ...second.body.data].map((c: { title: string }) => c.title);
    expect(new Set(titles).size).toBe(5);

    const id = first.body.data[0].id;
    expect(
      (await t.request('DELETE', `/v1/conversations/${id}`, { token: accessToken })).status,
    ).toBe(204);
    expect((await t.request('GET', `/v1/conversations/${id}`, { token: accessToken })).status).toBe(
      404,
    );
  });
});
