import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { signAccessToken } from '../../server/src/auth/access-token.js';
import { ManualClock } from '../../server/src/clock/manual-clock.js';
import { JWT_SECRET } from '../../server/test/helpers/test-app.js';
import type { Storage } from '../src/index.js';
import { AuthenticationError, createClient } from '../src/index.js';
import type { TestApp, TestTenant } from './helpers.js';
import { recordingFetch, startTestApp } from './helpers.js';

// The server's token checks run on this clock (started at the real time, so tokens signed
// by jsonwebtoken elsewhere agree with it); the WebSocket test moves it past an expiry.
const clock = new ManualClock(Date.now());
let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp({ clock });
  tenant = await t.createTenant();
});
afterAll(() => t.close());

/** A token for the same login, with its own lifetime (negative: already expired). */
function resign(accessToken: string, ttlSeconds: number): string {
  const c = jwt.decode(accessToken) as jwt.JwtPayload;
  return signAccessToken(
    { tenantId: c.tid, userId: c.sub!, sessionFamilyId: c.sfid },
    JWT_SECRET,
    ttlSeconds,
    clock.now(),
  );
}

function mapStorage(): Storage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get: async (k) => map.get(k) ?? null,
    set: async (k, v) => void map.set(k, v),
    remove: async (k) => void map.delete(k),
  };
}

describe('sessions and token refresh', () => {
  it('keeps the session in storage: a second client (a reload) starts no new session', async () => {
    const storage = mapStorage();
    const rec = recordingFetch();
    const first = createClient({
      baseUrl: t.url,
      secretKey: tenant.secretKey,
      storage,
      fetch: rec.fetch,
    });
    const conv = await first.conversations.create();
    const reloaded = createClient({
      baseUrl: t.url,
      secretKey: tenant.secretKey,
      storage,
      fetch: rec.fetch,
    });
    expect((await reloaded.conversations.get(conv.id)).id).toBe(conv.id);
    expect(rec.count('POST', '/v1/sessions')).toBe(1);

    await reloaded.session.clear();
    expect(storage.map.size).toBe(0);
  });

  it('refreshes once when the server refuses a token, however many requests hit the 401 together', async () => {
    const real = await tenant.session('refresh-user');
    const storage = mapStorage();
    // The client believes its token is good for an hour; the server says it expired.
    await storage.set(
      'parley.session',
      JSON.stringify({
        accessToken: resign(real.accessToken, -60),
        refreshToken: real.refreshToken,
        expiresIn: 900,
        user: { id: real.userId, externalId: 'refresh-user', anonymous: false },
        renewAt: Date.now() + 3_600_000,
      }),
    );
    const rec = recordingFetch();
    const client = createClient({
      baseUrl: t.url,
      secretKey: tenant.secretKey,
      storage,
      fetch: rec.fetch,
    });
    const pages = await Promise.all([1, 2, 3, 4, 5].map(() => client.conversations.list()));
    expect(pages.every((p) => Array.isArray(p.data))).toBe(true);
    expect(rec.seen.filter((r) => r.status === 401)).toHaveLength(5);
    expect(rec.count('POST', '/v1/sessions/refresh')).toBe(1);
    expect(rec.count('POST', '/v1/sessions')).toBe(0);
    const session = await client.session.get();
    expect(session.user.id).toBe(real.userId);
    expect(JSON.parse(storage.map.get('parley.session')!).accessToken).toBe(session.accessToken);
  });

  it('a 401 triggers one new token, then fails with AuthenticationError', async () => {
    let calls = 0;
    const rec = recordingFetch();
    const client = createClient({
      baseUrl: t.url,
      getToken: () => `not-a-token-${++calls}`,
      fetch: rec.fetch,
    });
    const err = await client.conversations.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(calls).toBe(2);
    expect(rec.count('GET', '/v1/conversations')).toBe(2);
  });

  it('starts over with the key when the token expired and the refresh is refused', async () => {
    const real = await tenant.session('revoked-user');
    const c = jwt.decode(real.accessToken) as jwt.JwtPayload;
    await t.app.services.sessions.revokeFamily(c.tid, c.sub!, c.sfid);
    const storage = mapStorage();
    // The server reports the expiry (checked before revocation), so the SDK tries its refresh token.
    await storage.set(
      'parley.session',
      JSON.stringify({
        accessToken: resign(real.accessToken, -60),
        refreshToken: real.refreshToken,
        expiresIn: 900,
        user: { id: real.userId, externalId: 'revoked-user', anonymous: false },
        renewAt: Date.now() + 3_600_000,
      }),
    );
    const rec = recordingFetch();
    const client = createClient({
      baseUrl: t.url,
      secretKey: tenant.secretKey,
      externalUserId: 'revoked-user',
      storage,
      fetch: rec.fetch,
    });

    const conv = await client.conversations.create();
    expect(conv.id).toBeTruthy();
    expect(rec.count('POST', '/v1/sessions/refresh')).toBe(1);
    expect(rec.count('POST', '/v1/sessions')).toBe(1);
    expect((await client.session.get()).user.id).toBe(real.userId);
  });

  it('a revoked session is dropped, not refreshed: one AuthenticationError, then a new session', async () => {
    const rec = recordingFetch();
    const client = createClient({
      baseUrl: t.url,
      secretKey: tenant.secretKey,
      externalUserId: 'revoked-live',
      fetch: rec.fetch,
    });
    const before = await client.session.get();
    const c = jwt.decode(before.accessToken) as jwt.JwtPayload;
    await t.app.services.sessions.revokeFamily(c.tid, c.sub!, c.sfid);

    const err = await client.conversations.create().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ status: 401, message: 'Session was revoked' });
    expect(rec.count('POST', '/v1/sessions/refresh')).toBe(0);
    expect(rec.count('POST', '/v1/conversations')).toBe(1);

    expect((await client.conversations.create()).id).toBeTruthy();
    expect(rec.count('POST', '/v1/sessions')).toBe(2);
    expect((await client.session.get()).user.id).toBe(before.user.id);
  });

  it('re-authenticates an open WebSocket when its token expires, on the same socket', async () => {
    const real = await tenant.session('ws-expiry');
    // Until the socket is open the SDK gets only this token: the socket must open with it.
    const short = resign(real.accessToken, 4);
    const expiresAtMs =
      (JSON.parse(Buffer.from(short.split('.')[1]!, 'base64url').toString()) as { exp: number })
        .exp * 1000;
    let renewed = 0;
    let opened = 0;
    const Counting = class extends WebSocket {
      constructor(url: string, protocols: string[]) {
        super(url, protocols);
        opened++;
      }
    };
    const client = createClient({
      baseUrl: t.url,
      getToken: () => {
        if (opened === 0) return short;
        renewed++;
        return real.accessToken;
      },
      WebSocket: Counting,
      clock, // the SDK and the server agree on when the short token runs out
    });
    try {
      const conv = await client.conversations.create();
      // The first WS turn opens the socket with the short-lived token.
      await client.messages.send(conv.id, 'before', { transport: 'ws' }).finalMessage();
      expect(renewed).toBe(0);
      // Past the short token's expiry the same socket must still serve a turn: the server
      // said "expired", the SDK fetched a token and re-authenticated.
      await clock.advance(expiresAtMs - clock.now());
      const after = await client.messages
        .send(conv.id, 'after', { transport: 'ws' })
        .finalMessage();
      expect(after.content).toContain('after');
      expect(renewed).toBeGreaterThan(0);
      expect(opened).toBe(1);
    } finally {
      client.close();
    }
  });
});
