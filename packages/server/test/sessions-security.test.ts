import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerConfig } from '../src/config/env.js';
import { SESSION_REVOKED_CHANNEL } from '../src/auth/session-revocations.js';
import { keyIdOf } from '../src/auth/jwt-keyring.js';
import {
  algNoneToken,
  algSwapToken,
  expiredToken,
  resignedToken,
} from './helpers/forged-tokens.js';
import type { TestApp, TestTenant } from './helpers/test-app.js';
import { JWT_SECRET, startTestApp } from './helpers/test-app.js';
import { openTestInfra, usingRedis } from './helpers/test-infra.js';
import { openWs, wsUrl } from './helpers/ws-client.js';

let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.createTenant();
});
afterAll(() => t.close());

/** Another server instance on the same database (and the same Redis, when there is one). */
async function instance(config: Partial<ServerConfig> = {}) {
  const infra = await openTestInfra((t.infra as { prefix?: string }).prefix);
  const app = await startTestApp({ db: t.db, infra, config });
  const closeApp = app.close;
  return Object.assign(app, {
    infra,
    async close() {
      await closeApp();
      await infra.close();
    },
  });
}

const me = (token: string) => t.request('GET', '/v1/me', { token });
const refresh = (refreshToken: string, app = t) =>
  app.request('POST', '/v1/sessions/refresh', { body: { refreshToken } });

describe('refresh tokens', () => {
  it('rotate on every use; a reused one revokes the whole login, live access tokens included', async () => {
    const s = await tenant.session();
    const first = await refresh(s.refreshToken);
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(s.refreshToken);
    const second = await refresh(first.body.refreshToken);
    expect(second.status).toBe(200);
    expect((await me(second.body.accessToken)).status).toBe(200);

    // The first token again: it leaked. Everything of this login dies at once.
    const reuse = await refresh(s.refreshToken);
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.message).toMatch(/already used/);
    expect((await refresh(second.body.refreshToken)).status).toBe(401);
    const live = await me(second.body.accessToken);
    expect(live.status).toBe(401);
    expect(live.body.error.message).toBe('Session was revoked');
    const rows = await t.db.knex('sessions').where({ user_id: s.userId }).whereNull('revoked_at');
    expect(rows).toEqual([]);
    // Another login of the same user is untouched.
    const other = await tenant.session();
    expect((await me(other.accessToken)).status).toBe(200);
  });

  it('lets only one of two concurrent refreshes of the same token win', async () => {
    const s = await tenant.session();
    const results = await Promise.all([refresh(s.refreshToken), refresh(s.refreshToken)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });
});

describe('logout', () => {
  it('ends this login now (access and refresh token) and leaves other logins alive', async () => {
    const user = `u-${Date.now()}`;
    const a = await tenant.session(user);
    const b = await tenant.session(user);
    const out = await t.request('POST', '/v1/sessions/logout', { token: a.accessToken });
    expect(out.status).toBe(204);
    expect((await me(a.accessToken)).status).toBe(401);
    expect((await refresh(a.refreshToken)).status).toBe(401);
    expect((await me(b.accessToken)).status).toBe(200);
  });

  it('log out everywhere ends every login of the user and no one else', async () => {
    const user = `u-all-${Date.now()}`;
    const logins = [
      await tenant.session(user),
      await tenant.session(user),
      await tenant.session(user),
    ];
    const bystander = await tenant.session();
    const out = await t.request('POST', '/v1/sessions/logout-all', {
      token: logins[0]!.accessToken,
    });
    expect(out.status).toBe(200);
    expect(out.body.revokedSessions).toBe(3);
    for (const l of logins) {
      expect((await me(l.accessToken)).status).toBe(401);
      expect((await refresh(l.refreshToken)).status).toBe(401);
    }
    expect((await me(bystander.accessToken)).status).toBe(200);
  });

  it('the operator can revoke a user, but only through the user’s own tenant', async () => {
    const victim = await tenant.session();
    const elsewhere = await t.createTenant();
    const wrongTenant = await t.admin(
      'POST',
      `/v1/admin/tenants/${elsewhere.id}/users/${victim.userId}/revoke-sessions`,
    );
    expect(wrongTenant.status).toBe(404);
    expect((await me(victim.accessToken)).status).toBe(200);
    const ok = await t.admin(
      'POST',
      `/v1/admin/tenants/${tenant.id}/users/${victim.userId}/revoke-sessions`,
    );
    expect(ok.status).toBe(200);
    expect(ok.body.revokedSessions).toBe(1);
    expect((await me(victim.accessToken)).status).toBe(401);
  });
});

describe('access tokens', () => {
  it('refuses alg:none, an algorithm swap, a foreign signature, an expired token, and a wrong audience', async () => {
    const s = await tenant.session();
    const now = Math.floor(Date.now() / 1000);
    const payload = jwt.decode(s.accessToken) as jwt.JwtPayload;
    const wrongAudience = jwt.sign({ ...payload, aud: 'someone-else' }, JWT_SECRET, {
      algorithm: 'HS256',
      keyid: keyIdOf(JWT_SECRET),
    });
    const notYet = jwt.sign({ ...payload, nbf: now + 600 }, JWT_SECRET, {
      algorithm: 'HS256',
      keyid: keyIdOf(JWT_SECRET),
    });
    const unknownKid = jwt.sign(payload, JWT_SECRET, { algorithm: 'HS256', keyid: 'nope' });
    for (const forged of [
      algNoneToken(s.accessToken),
      algSwapToken(s.accessToken),
      resignedToken(s.accessToken),
      expiredToken(s.accessToken),
      wrongAudience,
      notYet,
      unknownKid,
    ]) {
      const res = await me(forged);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
    expect((await me(s.accessToken)).status).toBe(200);
    // The header names the key, and the key id does not reveal the secret.
    const header = jwt.decode(s.accessToken, { complete: true })!.header;
    expect(header).toMatchObject({ alg: 'HS256', kid: keyIdOf(JWT_SECRET) });
    expect(JWT_SECRET).not.toContain(header.kid!);
  });

  it('survives a JWT_SECRET_KEY rotation: old tokens verify while the old key is kept', async () => {
    const s = await tenant.session();
    const newSecret = 'the-next-jwt-secret-0123456789-0123456789';
    const rotated = await instance({ jwtSecret: newSecret, jwtPreviousSecrets: [JWT_SECRET] });
    try {
      expect((await rotated.request('GET', '/v1/me', { token: s.accessToken })).status).toBe(200);
      const renewed = await refresh(s.refreshToken, rotated);
      expect(renewed.status).toBe(200);
      expect(jwt.decode(renewed.body.accessToken, { complete: true })!.header.kid).toBe(
        keyIdOf(newSecret),
      );
      // The old instance never had the new key; an instance without the old key refuses old tokens.
      expect((await me(renewed.body.accessToken)).status).toBe(401);
    } finally {
      await rotated.close();
    }
    const dropped = await instance({ jwtSecret: newSecret, jwtPreviousSecrets: [] });
    try {
      const old = await tenant.session();
      expect((await dropped.request('GET', '/v1/me', { token: old.accessToken })).status).toBe(401);
    } finally {
      await dropped.close();
    }
  });
});

describe.skipIf(!usingRedis)('two instances sharing Redis', () => {
  it('a logout on one instance refuses the token on the other at once, even one started later', async () => {
    const b = await instance();
    const infraB = b.infra;
    try {
      const s = await tenant.session();
      expect((await b.request('GET', '/v1/me', { token: s.accessToken })).status).toBe(200);
      // B has now seen this login as valid (cached); the revocation must reach it by pub/sub.
      const delivered = new Promise<void>((resolve) => {
        void infraB.pubsub.subscribe(SESSION_REVOKED_CHANNEL, () => resolve());
      });
      expect(
        (await t.request('POST', '/v1/sessions/logout', { token: s.accessToken })).status,
      ).toBe(204);
      await delivered;
      expect((await b.request('GET', '/v1/me', { token: s.accessToken })).status).toBe(401);

      const c = await instance();
      try {
        expect((await c.request('GET', '/v1/me', { token: s.accessToken })).status).toBe(401);
      } finally {
        await c.close();
      }
    } finally {
      await b.close();
    }
  });

  it('a revoked API key stops working on the other instance immediately', async () => {
    const b = await instance();
    const infraB = b.infra;
    try {
      const own = await t.createTenant();
      const create = () =>
        b.request('POST', '/v1/sessions', { token: own.secretKey, body: { externalUserId: 'x' } });
      expect((await create()).status).toBe(201); // cached as valid on B
      const keys = await t.admin('GET', `/v1/admin/tenants/${own.id}/keys`);
      const sk = keys.body.data.find((k: { type: string }) => k.type === 'secret');
      const delivered = new Promise<void>((resolve) => {
        void infraB.pubsub.subscribe('api-keys:revoked', () => resolve());
      });
      expect((await t.admin('DELETE', `/v1/admin/tenants/${own.id}/keys/${sk.id}`)).status).toBe(
        200,
      );
      await delivered;
      expect((await create()).status).toBe(401);
    } finally {
      await b.close();
    }
  });

  it('an admin revoke through one instance closes the user’s WebSocket on the other', async () => {
    const b = await instance();
    try {
      const s = await tenant.session();
      const client = await openWs(wsUrl(b.url), { token: s.accessToken });
      await client.waitFor((f) => f.type === 'ready');
      await t.admin('POST', `/v1/admin/tenants/${tenant.id}/users/${s.userId}/revoke-sessions`);
      const closed = await client.closed;
      expect(closed.reason).toBe('session revoked');
      expect(client.frames.at(-1)).toMatchObject({
        type: 'error',
        error: { code: 'unauthorized' },
      });
    } finally {
      await b.close();
    }
  });
});

if (!usingRedis) {
  console.log('[sessions-security] skipped two-instance revocation tests: set TEST_REDIS_URL');
}
