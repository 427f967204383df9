import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/test-app.js';
import { startTestApp } from './helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const settings = {
  persona: 'Be brief.',
  rateLimits: { userPerMinute: 30, tenantPerMinute: 600 },
  quotas: { tenant: { messagesPerDay: 1000 }, user: { messagesPerDay: 50 } },
  memory: { enabled: true, retentionDays: 90 },
};

async function tenant(): Promise<string> {
  const res = await t.admin('POST', '/v1/admin/tenants', { name: 'Settings', settings });
  expect(res.status).toBe(201);
  return res.body.id as string;
}
const stored = async (id: string) =>
  (await t.db.knex('tenants').where({ id }).first('settings')).settings;

describe('PATCH /v1/admin/tenants/:tenantId merges settings', () => {
  it('a new persona keeps rate limits and quotas', async () => {
    const id = await tenant();
    const res = await t.admin('PATCH', `/v1/admin/tenants/${id}`, {
      settings: { persona: 'Ask how you can help.' },
    });
    expect(res.status).toBe(200);
    expect(res.body.settings).toEqual({ ...settings, persona: 'Ask how you can help.' });
    expect(await stored(id)).toEqual(res.body.settings);
  });

  it('merges rateLimits one level deep and removes what is set to null', async () => {
    const id = await tenant();
    const res = await t.admin('PATCH', `/v1/admin/tenants/${id}`, {
      name: 'Renamed',
      settings: {
        rateLimits: { userPerMinute: 5 },
        memory: { retentionDays: null },
        persona: null,
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('Renamed');
    expect(res.body.settings).toEqual({
      rateLimits: { userPerMinute: 5, tenantPerMinute: 600 },
      quotas: settings.quotas,
      memory: { enabled: true },
    });
  });

  it('takes effect on the next request: a lowered rate limit applies at once', async () => {
    const id = await tenant();
    const sk = await t.admin('POST', `/v1/admin/tenants/${id}/keys`, { type: 'secret' });
    const session = await t.request('POST', '/v1/sessions', {
      token: sk.body.key,
      body: { externalUserId: 'rl' },
    });
    const token = session.body.accessToken as string;
    expect((await t.request('GET', '/v1/conversations', { token })).status).toBe(200);
    await t.admin('PATCH', `/v1/admin/tenants/${id}`, {
      settings: { rateLimits: { userPerMinute: 1 } },
    });
    // Three calls: whatever window boundary falls between them, two share a window.
    const calls = [];
    for (let i = 0; i < 3; i++) calls.push(await t.request('GET', '/v1/conversations', { token }));
    const limited = calls.find((r) => r.status === 429);
    expect(limited?.headers.get('ratelimit-limit')).toBe('1');
  });

  it('refuses an invalid key with the path of the problem, and stores nothing', async () => {
    const id = await tenant();
    for (const bad of [
      { rateLimits: { userPerMinute: 0 } },
      { quotas: { user: { messagesPerDay: 'many' } } },
      { models: ['not a model'] },
      { rateLimits: { unknown: 1 } },
      { nonsense: true },
    ]) {
      const res = await t.admin('PATCH', `/v1/admin/tenants/${id}`, { settings: bad });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.details[0].path).toMatch(/^\/settings\//);
    }
    expect(await stored(id)).toEqual(settings);
  });

  it('answers 404 for a tenant that does not exist', async () => {
    const res = await t.admin('PATCH', '/v1/admin/tenants/00000000-0000-4000-8000-000000000000', {
      settings: { persona: 'x' },
    });
    expect(res.status).toBe(404);
  });
});

describe('PUT /v1/admin/tenants/:tenantId/settings replaces them', () => {
  it('keys left out return to the server defaults', async () => {
    const id = await tenant();
    const res = await t.admin('PUT', `/v1/admin/tenants/${id}/settings`, { persona: 'Only this.' });
    expect(res.status).toBe(200);
    expect(res.body.settings).toEqual({ persona: 'Only this.' });
    expect(await stored(id)).toEqual({ persona: 'Only this.' });
  });

  it('validates the whole object and refuses null', async () => {
    const id = await tenant();
    expect(
      (await t.admin('PUT', `/v1/admin/tenants/${id}/settings`, { persona: null })).status,
    ).toBe(400);
    expect((await t.admin('PUT', `/v1/admin/tenants/${id}/settings`, [])).status).toBe(400);
    expect(await stored(id)).toEqual(settings);
  });
});
