import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Storage } from '../src/index.js';
import { AuthenticationError, createClient } from '../src/index.js';
import type { TestApp, TestTenant } from './helpers.js';
import { recordingFetch, startTestApp } from './helpers.js';

let t: TestApp;
let tenant: TestTenant;
let kid: string;
let secret: string;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.createTenant({ memory: { enabled: false } });
  const created = await t.admin('POST', `/v1/admin/tenants/${tenant.id}/identity-secret`, {});
  expect(created.status).toBe(201);
  ({ id: kid, secret } = created.body);
});
afterAll(() => t.close());

/** What the tenant's backend does: sign who the visitor is, for five minutes. */
const identityToken = (claims: Record<string, unknown>): string =>
  jwt.sign({ exp: Math.floor(Date.now() / 1000) + 300, jti: randomUUID(), ...claims }, secret, {
    algorithm: 'HS256',
    keyid: kid,
  });

function mapStorage(): Storage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get: (k) => map.get(k) ?? null,
    set: (k, v) => void map.set(k, v),
    remove: (k) => void map.delete(k),
  };
}

/** A visitor on the tenant's site: publishable key, allowed origin, localStorage-like storage. */
function visitor(storage = mapStorage()) {
  const rec = recordingFetch({ origin: tenant.origin });
  const client = createClient({
    baseUrl: t.url,
    publishableKey: tenant.publishableKey,
    storage,
    fetch: rec.fetch,
    WebSocket,
  });
  return { client, storage, rec };
}

const stored = (s: { map: Map<string, string> }) =>
  JSON.parse(s.map.get('parley.session') ?? 'null') as { accessToken: string } | null;

describe('identify', () => {
  it("moves the anonymous visitor's conversation to the identified user and switches sessions", async () => {
    const { client, storage } = visitor();
    try {
      const anon = await client.session.get();
      expect(anon.user.anonymous).toBe(true);
      const conv = await client.conversations.create({ title: 'before login' });
      // An open WebSocket belongs to the visitor: identify must not leave it in use.
      await client.messages.send(conv.id, 'hello there', { transport: 'ws' }).finalMessage();

      const who = await client.identify(identityToken({ sub: 'crm-42', name: 'Ada' }));
      expect(who.user).toMatchObject({ externalId: 'crm-42', anonymous: false, name: 'Ada' });
      expect(who.merged).toMatchObject({ conversations: 1 });
      expect((await client.session.get()).user.id).toBe(who.user.id);
      expect(stored(storage)!.accessToken).toBe(who.accessToken);

      // The conversation and its messages are the identified user's now, over REST and WS.
      expect((await client.conversations.get(conv.id)).title).toBe('before login');
      const history = await client.messages.list(conv.id);
      expect(history.data.map((m) => m.content)[0]).toBe('hello there');
      const next = await client.messages
        .send(conv.id, 'after login', { transport: 'ws' })
        .finalMessage();
      expect(next.content).toContain('after login');

      // The tenant's backend sees the same user, and the old anonymous token is dead.
      const viaBackend = await tenant.session('crm-42');
      expect(viaBackend.userId).toBe(who.user.id);
      const old = await t.request('GET', '/v1/conversations', { token: anon.accessToken });
      expect(old.status).toBe(401);
    } finally {
      client.close();
    }
  });

  it('refuses a token signed with the wrong secret and keeps the visitor session', async () => {
    const { client, storage } = visitor();
    const anon = await client.session.get();
    const forged = jwt.sign(
      { sub: 'crm-1', exp: Math.floor(Date.now() / 1000) + 300 },
      'x'.repeat(40),
      {
        algorithm: 'HS256',
        keyid: kid,
      },
    );
    const err = await client.identify(forged).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ code: 'unauthorized', message: 'Invalid identity token' });
    expect(stored(storage)!.accessToken).toBe(anon.accessToken);
    expect((await client.session.get()).user.anonymous).toBe(true);
  });
});

describe('email + password accounts', () => {
  it('signup takes the visitor along; login from another browser sees the conversation', async () => {
    const email = `ada-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const password = 'correct horse battery';
    const first = visitor();
    const conv = await first.client.conversations.create({ title: 'mine' });
    const signed = await first.client.accounts.signup({ email, password, name: 'Ada' });
    expect(signed.user).toMatchObject({ anonymous: false, email });
    expect(signed.merged).toMatchObject({ conversations: 1 });

    // A new browser: no session yet, so the publishable key starts the login.
    const second = visitor();
    const wrong = await second.client.accounts
      .login({ email, password: 'not the password' })
      .catch((e: unknown) => e);
    expect(wrong).toMatchObject({ status: 401, message: 'Invalid email or password' });
    expect(second.storage.map.size).toBe(0);
    const logged = await second.client.accounts.login({ email, password });
    expect(logged.user.id).toBe(signed.user.id);
    expect(second.rec.count('POST', '/v1/sessions')).toBe(0);
    const list = await second.client.conversations.list();
    expect(list.data.map((c) => c.id)).toEqual([conv.id]);
  });
});

describe('logout', () => {
  it('logout makes the refresh token unusable and forgets the session', async () => {
    const storage = mapStorage();
    const client = createClient({
      baseUrl: t.url,
      secretKey: tenant.secretKey,
      externalUserId: 'logout-user',
      storage,
    });
    const s = await client.session.get();
    await client.session.logout();
    expect(storage.map.size).toBe(0);
    const refresh = await t.request('POST', '/v1/sessions/refresh', {
      body: { refreshToken: s.refreshToken },
    });
    expect(refresh.status).toBe(401);
    const old = await t.request('GET', '/v1/conversations', { token: s.accessToken });
    expect(old.status).toBe(401);
    // Logging out again without a session asks nothing of the server.
    await client.session.logout();
  });

  it('logoutAll ends the other devices: their next call fails once, clears, then starts over', async () => {
    const storageB = mapStorage();
    const deviceA = createClient({
      baseUrl: t.url,
      secretKey: tenant.secretKey,
      externalUserId: 'two-devices',
    });
    const rec = recordingFetch();
    const deviceB = createClient({
      baseUrl: t.url,
      secretKey: tenant.secretKey,
      externalUserId: 'two-devices',
      storage: storageB,
      fetch: rec.fetch,
    });
    const b = await deviceB.session.get();
    await deviceA.conversations.create();
    expect(await deviceA.session.logoutAll()).toEqual({ revokedSessions: 2 });

    const err = await deviceB.conversations.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ message: 'Session was revoked' });
    // No pointless refresh of a revoked login, and nothing left in storage.
    expect(rec.count('POST', '/v1/sessions/refresh')).toBe(0);
    expect(storageB.map.size).toBe(0);

    expect((await deviceB.conversations.list()).data).toBeDefined();
    const fresh = await deviceB.session.get();
    expect(fresh.accessToken).not.toBe(b.accessToken);
    expect(fresh.user.id).toBe(b.user.id);
  });
});
