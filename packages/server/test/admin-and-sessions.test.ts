import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/test-app.js';
import { startTestApp } from './helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('tenants and keys', () => {
  it('shows a key once, stores only its hash, and revocation takes effect immediately', async () => {
    const tenant = await t.admin('POST', '/v1/admin/tenants', { name: 'Acme' });
    expect(tenant.status).toBe(201);
    const key = await t.admin('POST', `/v1/admin/tenants/${tenant.body.id}/keys`, {
      type: 'secret',
      name: 'backend',
    });
    expect(key.status).toBe(201);
    expect(key.body.key).toMatch(/^sk_live_/);

    const row = await t.db.knex('api_keys').where({ id: key.body.id }).first();
    expect(JSON.stringify(row)).not.toContain(key.body.key);
    const listed = await t.admin('GET', `/v1/admin/tenants/${tenant.body.id}/keys`);
    expect(listed.text).not.toContain(key.body.key);
    expect(listed.body.data[0].prefix).toBe(key.body.key.slice(0, 12));

    const ok = await t.request('POST', '/v1/sessions', {
      token: key.body.key,
      body: { externalUserId: 'u1' },
    });
    expect(ok.status).toBe(201);
    expect(
      (await t.admin('DELETE', `/v1/admin/tenants/${tenant.body.id}/keys/${key.body.id}`)).status,
    ).toBe(200);
    const after = await t.request('POST', '/v1/sessions', {
      token: key.body.key,
      body: { externalUserId: 'u1' },
    });
    expect(after.status).toBe(401);
  });

  it('validates tenant settings and key options', async () => {
    expect((await t.admin('POST', '/v1/admin/tenants', {})).status).toBe(400);
    expect(
      (await t.admin('POST', '/v1/admin/tenants', { name: 'x', settings: { models: ['nope'] } }))
        .status,
    ).toBe(400);
    const tenant = await t.admin('POST', '/v1/admin/tenants', {
      name: 'Beta',
      settings: { persona: 'Be brief.' },
    });
    const pkNoOrigins = await t.admin('POST', `/v1/admin/tenants/${tenant.body.id}/keys`, {
      type: 'publishable',
    });
    expect(pkNoOrigins.status).toBe(400);
    const badOrigin = await t.admin('POST', `/v1/admin/tenants/${tenant.body.id}/keys`, {
      type: 'publishable',
      allowedOrigins: ['javascript:alert(1)'],
    });
    expect(badOrigin.status).toBe(400);
    expect(
      (await t.admin('GET', '/v1/admin/tenants/00000000-0000-0000-0000-000000000000')).status,
    ).toBe(404);
    expect((await t.admin('GET', '/v1/admin/tenants/not-a-uuid')).status).toBe(404);
    const patched = await t.admin('PATCH', `/v1/admin/tenants/${tenant.body.id}`, {
      settings: { persona: 'Be kind.' },
    });
    expect(patched.body.settings.persona).toBe('Be kind.');
  });

  it("reaches a tenant's keys and users only through that tenant's own path", async () => {
    const a = await t.createTenant();
    const b = await t.createTenant();
    const bKeys = await t.admin('GET', `/v1/admin/tenants/${b.id}/keys`);
    const bKey = bKeys.body.data[0];
    const bUser = await b.session('b-user');
    const wrong = `/v1/admin/tenants/${a.id}`;
    expect((await t.admin('DELETE', `${wrong}/keys/${bKey.id}`)).status).toBe(404);
    expect((await t.admin('POST', `${wrong}/users/${bUser.userId}/revoke-sessions`)).status).toBe(
      404,
    );
    expect((await t.admin('DELETE', `${wrong}/users/${bUser.userId}`)).status).toBe(404);
    const aKeys = await t.admin('GET', `${wrong}/keys`);
    expect(aKeys.body.data.map((k: { tenantId: string }) => k.tenantId)).toEqual([a.id, a.id]);
    const aUsers = await t.admin('GET', `${wrong}/users`);
    expect(aUsers.body.data).toEqual([]);
    // Nothing of b's changed: its key still works and its user still exists and is signed in.
    expect((await b.session('b-user')).userId).toBe(bUser.userId);
    expect((await t.request('GET', '/v1/me', { token: bUser.accessToken })).status).toBe(200);
  });

  it('lists tenants with pagination', async () => {
    for (let i = 0; i < 3; i++) await t.admin('POST', '/v1/admin/tenants', { name: `p${i}` });
    const page = await t.admin('GET', '/v1/admin/tenants?limit=2');
    expect(page.body.data).toHaveLength(2);
    expect(page.body.nextCursor).toBeTruthy();
  });
});

describe('sessions', () => {
  it('an sk_ key mints a session for the same external user every time', async () => {
    const tenant = await t.createTenant();
    const a = await tenant.session('ext-42');
    const b = await tenant.session('ext-42');
    expect(a.userId).toBe(b.userId);
    const me = await t.request('POST', '/v1/conversations', { token: a.accessToken, body: {} });
    const list = await t.request('GET', '/v1/conversations', { token: b.accessToken });
    expect(list.body.data.map((c: { id: string }) => c.id)).toContain(me.body.id);
  });

  it('rotates refresh tokens and revokes the family when a spent one is reused', async () => {
    const tenant = await t.createTenant();
    const s = await tenant.session();
    const r1 = await t.request('POST', '/v1/sessions/refresh', {
      body: { refreshToken: s.refreshToken },
    });
    expect(r1.status).toBe(200);
    expect(r1.body.refreshToken).not.toBe(s.refreshToken);
    expect(r1.body.user.id).toBe(s.userId);

    const reuse = await t.request('POST', '/v1/sessions/refresh', {
      body: { refreshToken: s.refreshToken },
    });
    expect(reuse.status).toBe(401);
    // The thief's reuse also kills the legitimate, newer token of that family.
    const r2 = await t.request('POST', '/v1/sessions/refresh', {
      body: { refreshToken: r1.body.refreshToken },
    });
    expect(r2.status).toBe(401);
  });

  it('refuses unknown refresh tokens', async () => {
    const res = await t.request('POST', '/v1/sessions/refresh', {
      body: { refreshToken: 'rt_doesnotexist123' },
    });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });
});

describe('health', () => {
  it('reports liveness and readiness', async () => {
    expect((await t.request('GET', '/healthz')).body.status).toBe('ok');
    const ready = await t.request('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.database.status).toBe('ok');
  });
});
