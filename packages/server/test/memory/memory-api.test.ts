import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp, TestTenant } from '../helpers/test-app.js';
import { startTestApp } from '../helpers/test-app.js';
import { seedMemory } from './seed.js';

let t: TestApp;
let shop: TestTenant;
let other: TestTenant;
type Session = { accessToken: string; userId: string; tenantId: string };
let ana: Session; // owner of the memories
let bob: Session; // same tenant, another user
let eve: Session; // another tenant

beforeAll(async () => {
  t = await startTestApp();
  shop = await t.createTenant();
  other = await t.createTenant();
  ana = { ...(await shop.session('ana')), tenantId: shop.id };
  bob = { ...(await shop.session('bob')), tenantId: shop.id };
  eve = { ...(await other.session('ana')), tenantId: other.id }; // same external id, other tenant
});
afterAll(() => t.close());

const seed = (
  s: Session,
  text: string,
  extra: Parameters<typeof seedMemory>[3] extends infer M ? Partial<M> : never = {},
) => seedMemory(t.db.knex, t.app.services.memory.embedder, s, { text, ...extra });
const get = (s: Session, path: string) => t.request('GET', path, { token: s.accessToken });

describe('/v1/memories', () => {
  it('lists the current memories of the caller only, newest first, paginated', async () => {
    const u = { ...(await shop.session()), tenantId: shop.id };
    await seed(u, 'User lives in Lisbon', { daysAgo: 3, invalidated: true });
    await seed(u, 'User lives in Porto', { daysAgo: 2 });
    await seed(u, 'User likes green tea', { daysAgo: 1 });
    await seed(bob, 'User collects stamps');
    const page1 = await get(u, '/v1/memories?limit=1');
    expect(page1.status).toBe(200);
    expect(page1.body.data.map((m: { text: string }) => m.text)).toEqual(['User likes green tea']);
    expect(page1.body.data[0]).toMatchObject({ kind: 'fact', importance: 0.5, accessCount: 0 });
    const page2 = await get(u, `/v1/memories?limit=5&cursor=${page1.body.nextCursor}`);
    expect(page2.body.data.map((m: { text: string }) => m.text)).toEqual(['User lives in Porto']);
    expect(page2.body.nextCursor).toBeNull();
  });

  it('searches by meaning and words, within the caller only', async () => {
    const mine = await seed(ana, 'User lives in Lisbon');
    await seed(ana, 'User likes jazz');
    await seed(bob, 'User lives in Lisbon too');
    await seed(eve, 'User lives in Lisbon as well');
    const res = await get(ana, `/v1/memories?q=${encodeURIComponent('where do I live')}`);
    expect(res.status).toBe(200);
    expect(res.body.data.map((m: { id: string }) => m.id)).toEqual([mine]);
    const bobs = await get(bob, '/v1/memories?q=lisbon');
    expect(bobs.body.data.map((m: { text: string }) => m.text)).toEqual([
      'User lives in Lisbon too',
    ]);
    expect((await get(ana, '/v1/memories?q=lisbon&cursor=abc')).status).toBe(400);
  });

  it('edits a memory: new text is what recall and search now find', async () => {
    const id = await seed(ana, 'User drives a Fiat');
    const res = await t.request('PATCH', `/v1/memories/${id}`, {
      token: ana.accessToken,
      body: { text: 'User drives a Volvo', importance: 0.9 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, text: 'User drives a Volvo', importance: 0.9 });
    const found = await get(ana, '/v1/memories?q=volvo');
    expect(found.body.data.map((m: { id: string }) => m.id)).toEqual([id]);

    for (const body of [{}, { importance: 2 }, { text: '   ' }, { owner: 'x' }]) {
      const bad = await t.request('PATCH', `/v1/memories/${id}`, { token: ana.accessToken, body });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('invalid_request');
    }
    expect((await t.db.knex('memories').where({ id }).first()).text).toBe('User drives a Volvo');
  });

  it("answers 404 to anyone else's memory, in this tenant or another, and changes nothing", async () => {
    const id = await seed(ana, 'User has a cat named Miso');
    for (const s of [bob, eve]) {
      const patch = await t.request('PATCH', `/v1/memories/${id}`, {
        token: s.accessToken,
        body: { text: 'hijacked' },
      });
      expect(patch.status).toBe(404);
      expect(patch.body.error.code).toBe('not_found');
      expect(
        (await t.request('DELETE', `/v1/memories/${id}`, { token: s.accessToken })).status,
      ).toBe(404);
      const list = await get(s, '/v1/memories?limit=100');
      expect(list.body.data.some((m: { id: string }) => m.id === id)).toBe(false);
    }
    expect(
      (await t.request('DELETE', '/v1/memories/not-a-uuid', { token: ana.accessToken })).status,
    ).toBe(404);
    expect((await t.db.knex('memories').where({ id }).first()).text).toBe(
      'User has a cat named Miso',
    );
    expect((await get(ana, '/v1/memories')).status).toBe(200);
    expect((await t.request('GET', '/v1/memories')).status).toBe(401);
  });

  it('deletes a memory together with the older versions it replaced', async () => {
    const old = await seed(ana, 'User works at Initech', { invalidated: true });
    const now = await seed(ana, 'User works at Acme');
    await t.db.knex('memories').where({ id: old }).update({ superseded_by: now });
    const res = await t.request('DELETE', `/v1/memories/${now}`, { token: ana.accessToken });
    expect(res.status).toBe(204);
    expect(await t.db.knex('memories').whereIn('id', [old, now])).toEqual([]);
  });

  it('forgets everything about the caller, and only the caller', async () => {
    const u = { ...(await shop.session()), tenantId: shop.id };
    await seed(u, 'User lives in Lisbon');
    await seed(u, 'User lived in Faro', { invalidated: true });
    const conv = (await t.request('POST', '/v1/conversations', { token: u.accessToken, body: {} }))
      .body.id;
    await t.request('POST', `/v1/conversations/${conv}/messages`, {
      token: u.accessToken,
      body: { content: 'I moved to Porto' },
    });
    await t.infra.queue.drain();
    const bobBefore = await t.db.knex('memories').where({ user_id: bob.userId }).count({ n: '*' });

    const res = await t.request('DELETE', '/v1/memories', { token: u.accessToken });
    expect(res.status).toBe(200);
    expect(res.body.deleted).toEqual({ memories: 3, messageEmbeddings: 1 });
    expect(await t.db.knex('memories').where({ user_id: u.userId })).toEqual([]);
    const embedded = await t.db
      .knex('messages')
      .where({ user_id: u.userId })
      .whereNotNull('embedding');
    expect(embedded).toEqual([]);
    const bobAfter = await t.db.knex('memories').where({ user_id: bob.userId }).count({ n: '*' });
    expect(bobAfter).toEqual(bobBefore);
  });
});

describe('GET /v1/me/export', () => {
  it("exports the caller's conversations, messages, memories (with history) and preferences", async () => {
    const u = { ...(await shop.session('exporter')), tenantId: shop.id };
    await t.db
      .knex('preferences')
      .insert({ user_id: u.userId, tenant_id: shop.id, locale: 'pt-PT' });
    const conv = (await t.request('POST', '/v1/conversations', { token: u.accessToken, body: {} }))
      .body.id;
    await t.request('POST', `/v1/conversations/${conv}/messages`, {
      token: u.accessToken,
      body: { content: 'I moved to Lisbon' },
    });
    await t.request('POST', `/v1/conversations/${conv}/messages`, {
      token: u.accessToken,
      body: { content: 'I moved to Porto' },
    });
    await t.infra.queue.drain();
    await seed(bob, 'User secretly loves opera');

    const res = await get(u, '/v1/me/export');
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: u.userId, externalId: 'exporter' });
    expect(res.body.preferences).toMatchObject({ locale: 'pt-PT' });
    expect(res.body.conversations).toHaveLength(1);
    expect(res.body.conversations[0].messages.map((m: { role: string }) => m.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
    const memories = res.body.memories as {
      text: string;
      invalidatedAt: string | null;
      supersededBy: string | null;
    }[];
    expect(memories.map((m) => [m.text, m.invalidatedAt === null])).toEqual([
      ['User lives in Lisbon', false],
      ['User lives in Porto', true],
    ]);
    expect(res.text).not.toContain('opera');
    expect(res.text).not.toContain('password');
    expect(res.text).not.toContain('embedding');

    const bobs = await get(bob, '/v1/me/export');
    expect(bobs.status).toBe(200);
    expect(bobs.text).not.toContain(u.userId);
    expect(bobs.text).not.toContain('User lives in Porto');
    for (const m of res.body.memories) expect(bobs.text).not.toContain(m.id);
  });
});

describe('DELETE /v1/admin/tenants/:tenantId/users/:userId (GDPR erase)', () => {
  it('removes the user and every row and embedding that belonged to them', async () => {
    const u = { ...(await shop.session('to-erase')), tenantId: shop.id };
    const conv = (await t.request('POST', '/v1/conversations', { token: u.accessToken, body: {} }))
      .body.id;
    await t.request('POST', `/v1/conversations/${conv}/messages`, {
      token: u.accessToken,
      body: { content: "I moved to Lisbon and I'm vegetarian." },
    });
    await t.infra.queue.drain();
    await t.db
      .knex('preferences')
      .insert({ user_id: u.userId, tenant_id: shop.id, timezone: 'Europe/Lisbon' });
    const bobMemories = await t.db
      .knex('memories')
      .where({ user_id: bob.userId })
      .count({ n: '*' });

    // Wrong tenant, unknown user, no admin token: nothing happens.
    expect(
      (await t.admin('DELETE', `/v1/admin/tenants/${other.id}/users/${u.userId}`)).status,
    ).toBe(404);
    expect((await t.admin('DELETE', `/v1/admin/tenants/${shop.id}/users/${other.id}`)).status).toBe(
      404,
    );
    expect(
      (
        await t.request('DELETE', `/v1/admin/tenants/${shop.id}/users/${u.userId}`, {
          token: u.accessToken,
        })
      ).status,
    ).toBe(401);

    const res = await t.admin('DELETE', `/v1/admin/tenants/${shop.id}/users/${u.userId}`);
    expect(res.status).toBe(200);
    expect(res.body.deleted).toMatchObject({
      users: 1,
      conversations: 1,
      messages: 2,
      memories: 2,
      preferences: 1,
      usage: 1,
      // The user message and 2 memories; offline answers are never embedded.
      embeddings: 3,
    });
    expect(res.body.deleted.sessions).toBeGreaterThanOrEqual(1);

    for (const table of [
      'sessions',
      'preferences',
      'conversations',
      'messages',
      'memories',
      'tool_executions',
      'uploaded_files',
      'analytics_events',
      'usage',
    ]) {
      expect(await t.db.knex(table).where({ user_id: u.userId }), table).toEqual([]);
    }
    expect(await t.db.knex('users').where({ id: u.userId })).toEqual([]);
    const vectors = await t.db.knex.raw(
      `select count(*)::int as n from messages where conversation_id = ? and embedding is not null`,
      [conv],
    );
    expect(vectors.rows[0].n).toBe(0);
    expect(await t.db.knex('memories').where({ user_id: bob.userId }).count({ n: '*' })).toEqual(
      bobMemories,
    );
    expect((await t.admin('DELETE', `/v1/admin/tenants/${shop.id}/users/${u.userId}`)).status).toBe(
      404,
    );
  });
});
