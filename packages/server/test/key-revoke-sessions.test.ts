import { WS_CLOSE_UNAUTHORIZED } from '@parley/sdk/protocol';
import type { Infra } from '../src/infra/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp, TestTenant } from './helpers/test-app.js';
import { startTestApp } from './helpers/test-app.js';
import { openTestInfra, usingRedis } from './helpers/test-infra.js';
import { openWs, wsUrl } from './helpers/ws-client.js';

let t: TestApp;
/** A second instance on the same database and Redis: revocation must reach its sockets too. */
let peer: TestApp;
let peerInfra: Infra;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  // Redis: a second connection on the same prefix; embedded: the one in-process infra.
  peerInfra = usingRedis ? await openTestInfra((t.infra as { prefix?: string }).prefix) : t.infra;
  peer = await startTestApp({ db: t.db, infra: peerInfra });
  tenant = await t.createTenant();
});
afterAll(async () => {
  await peer.close();
  if (usingRedis) await peerInfra.close();
  await t.close();
});

async function secretKey(): Promise<{ id: string; key: string }> {
  const res = await t.admin('POST', `/v1/admin/tenants/${tenant.id}/keys`, { type: 'secret' });
  expect(res.status).toBe(201);
  return res.body;
}

async function sessionWith(key: string, externalUserId?: string) {
  const res = await t.request('POST', '/v1/sessions', {
    token: key,
    body: externalUserId ? { externalUserId } : {},
    headers: key.startsWith('pk_') ? { origin: tenant.origin } : {},
  });
  expect(res.status).toBe(201);
  return res.body as { accessToken: string; refreshToken: string; user: { id: string } };
}

const me = (app: TestApp, token: string) => app.request('GET', '/v1/me', { token });
const refresh = (refreshToken: string) =>
  t.request('POST', '/v1/sessions/refresh', { body: { refreshToken } });

describe('revoking a secret key ends the sessions it started', () => {
  it('refuses their access and refresh tokens at once and closes their WebSockets', async () => {
    const key = await secretKey();
    const first = await sessionWith(key.key, 'crm-ada');
    // A rotated login still belongs to the key.
    const rotated = (await refresh(first.refreshToken)).body;
    const second = await sessionWith(key.key, 'crm-bob');
    const socketHere = await openWs(wsUrl(t.url), { token: rotated.accessToken });
    const socketOnPeer = await openWs(wsUrl(peer.url), { token: second.accessToken });
    await socketHere.waitFor((f) => f.type === 'ready');
    await socketOnPeer.waitFor((f) => f.type === 'ready');

    // Bystanders: another secret key's session, and a publishable-key visitor.
    const otherKeySession = await sessionWith((await secretKey()).key, 'crm-ada');
    const visitor = await sessionWith(tenant.publishableKey);

    const revoked = await t.admin('DELETE', `/v1/admin/tenants/${tenant.id}/keys/${key.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));

    for (const token of [rotated.accessToken, second.accessToken]) {
      expect((await me(t, token)).status).toBe(401);
      expect((await me(peer, token)).status).toBe(401);
    }
    for (const token of [rotated.refreshToken, second.refreshToken]) {
      const res = await refresh(token);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
    expect((await socketHere.closed).code).toBe(WS_CLOSE_UNAUTHORIZED);
    expect((await socketOnPeer.closed).code).toBe(WS_CLOSE_UNAUTHORIZED);
    expect(socketOnPeer.frames.at(-1)).toMatchObject({
      type: 'error',
      fatal: true,
      error: { code: 'unauthorized', message: 'Session was revoked' },
    });

    expect((await me(t, otherKeySession.accessToken)).status).toBe(200);
    expect((await me(t, visitor.accessToken)).status).toBe(200);
    expect((await refresh(otherKeySession.refreshToken)).status).toBe(200);
  });

  it('records the key on sessions a secret key starts, and no key on a visitor’s', async () => {
    const key = await secretKey();
    const s = await sessionWith(key.key, 'crm-carol');
    const visitor = await sessionWith(tenant.publishableKey);
    const keyOf = async (userId: string) =>
      (await t.db.knex('sessions').where({ tenant_id: tenant.id, user_id: userId }).first())
        .api_key_id;
    expect(await keyOf(s.user.id)).toBe(key.id);
    expect(await keyOf(visitor.user.id)).toBeNull();
  });

  it('a session the key check let through just before the revocation is not started', async () => {
    const key = await secretKey();
    const s = await sessionWith(key.key, 'crm-erin');
    expect((await t.admin('DELETE', `/v1/admin/tenants/${tenant.id}/keys/${key.id}`)).status).toBe(
      200,
    );
    // What the route would do next for a request authenticated a moment earlier.
    await expect(
      t.app.services.sessions.issue(tenant.id, s.user.id, { apiKeyId: key.id }),
    ).rejects.toMatchObject({ code: 'unauthorized', message: 'API key was revoked' });
    const live = await t.db
      .knex('sessions')
      .where({ tenant_id: tenant.id, api_key_id: key.id })
      .whereNull('revoked_at');
    expect(live).toEqual([]);
  });

  it('another tenant’s key id revokes nothing here (404)', async () => {
    const key = await secretKey();
    const s = await sessionWith(key.key, 'crm-dave');
    const other = await t.createTenant();
    const res = await t.admin('DELETE', `/v1/admin/tenants/${other.id}/keys/${key.id}`);
    expect(res.status).toBe(404);
    expect((await me(t, s.accessToken)).status).toBe(200);
  });
});
