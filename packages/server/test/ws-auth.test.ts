import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAccessToken } from '../src/auth/access-token.js';
import { ManualClock } from '../src/clock/manual-clock.js';
import type { TestApp, TestTenant } from './helpers/test-app.js';
import { JWT_SECRET, startTestApp } from './helpers/test-app.js';
import { openWs, wsUrl } from './helpers/ws-client.js';
import { startWsOnly } from './helpers/ws-only-server.js';

// Token expiry, the auth timeout and the heartbeat run on this clock: the tests move it.
// It starts at the real time so tokens signed elsewhere (jsonwebtoken) agree with it.
const clock = new ManualClock(Date.now());
let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp({ clock });
  tenant = await t.createTenant();
});
afterAll(() => t.close());

/** A token for the same login as `accessToken`, expiring in `ttlSeconds`. */
function resign(accessToken: string, ttlSeconds: number, secret = JWT_SECRET): string {
  const c = jwt.decode(accessToken) as jwt.JwtPayload;
  return signAccessToken(
    { tenantId: c.tid, userId: c.sub!, sessionFamilyId: c.sfid },
    secret,
    ttlSeconds,
    clock.now(),
  );
}

async function newConversation(token: string): Promise<string> {
  return (await t.request('POST', '/v1/conversations', { token, body: {} })).body.id;
}

async function storedCount(token: string, conversationId: string): Promise<number> {
  const res = await t.request('GET', `/v1/conversations/${conversationId}/messages`, { token });
  return res.body.data.length;
}

describe('WebSocket authentication', () => {
  it('accepts the token in Sec-WebSocket-Protocol and answers with parley.v1', async () => {
    const s = await tenant.session();
    const client = await openWs(wsUrl(t.url), { token: s.accessToken });
    try {
      expect(client.ws.protocol).toBe('parley.v1');
      const ready = await client.waitFor((f) => f.type === 'ready');
      expect(ready.userId).toBe(s.userId);
    } finally {
      await client.close();
    }
  });

  it('handles frames sent right after open, before ready arrives, once the token is checked', async () => {
    const s = await tenant.session();
    const conv = await newConversation(s.accessToken);
    const client = await openWs(wsUrl(t.url), { token: s.accessToken });
    try {
      client.send({ type: 'message.send', ref: 'eager', conversationId: conv, content: 'hi' });
      expect((await client.turn(conv)).at(-1).type).toBe('response.completed');
      expect(client.frames.find((f) => f.ref === 'eager')).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it('accepts the token in a first auth frame, and refuses work before it', async () => {
    const s = await tenant.session();
    const conv = await newConversation(s.accessToken);
    const client = await openWs(wsUrl(t.url));
    try {
      client.send({ type: 'message.send', ref: 'early', conversationId: conv, content: 'hi' });
      const refused = await client.waitFor((f) => f.ref === 'early');
      expect(refused).toMatchObject({ type: 'error', error: { code: 'unauthorized' } });

      client.send({ type: 'auth', ref: 'a', token: s.accessToken });
      expect((await client.waitFor((f) => f.type === 'ready')).userId).toBe(s.userId);
      client.send({ type: 'message.send', ref: 'now', conversationId: conv, content: 'hi' });
      expect((await client.turn(conv)).at(-1).type).toBe('response.completed');
      expect(await storedCount(s.accessToken, conv)).toBe(2);
    } finally {
      await client.close();
    }
  });

  it('never takes the token from the URL', async () => {
    const s = await tenant.session();
    const client = await openWs(`${wsUrl(t.url)}?token=${s.accessToken}`);
    try {
      client.send({ type: 'ping', ref: 'p' });
      await client.waitFor((f) => f.type === 'pong');
      expect(client.frames.some((f) => f.type === 'ready')).toBe(false);
    } finally {
      await client.close();
    }
  });

  it('answers a wrong token with an unauthorized frame and stays open for a good one', async () => {
    const s = await tenant.session();
    const conv = await newConversation(s.accessToken);
    const wrong = [
      'not-a-jwt',
      resign(s.accessToken, 60, 'another-secret-0123456789-0123456789-abc'),
      tenant.secretKey,
    ];
    for (const token of wrong) {
      const client = await openWs(wsUrl(t.url), { token });
      try {
        const err = await client.waitFor((f) => f.type === 'error');
        expect(err.error.code).toBe('unauthorized');
        expect(err.fatal).toBeUndefined();
        client.send({ type: 'message.send', ref: 'm', conversationId: conv, content: 'x' });
        expect((await client.waitFor((f) => f.ref === 'm')).error.code).toBe('unauthorized');
        client.send({ type: 'auth', ref: 'bad', token: 'still-wrong' });
        expect((await client.waitFor((f) => f.ref === 'bad')).error.code).toBe('unauthorized');
        client.send({ type: 'auth', token: s.accessToken });
        await client.waitFor((f) => f.type === 'ready');
      } finally {
        await client.close();
      }
    }
    expect(await storedCount(s.accessToken, conv)).toBe(0);
  });

  it('tells the client when its token expires, refuses frames until it re-authenticates on the same socket', async () => {
    const s = await tenant.session();
    const conv = await newConversation(s.accessToken);
    const short = resign(s.accessToken, 2);
    // JWT expiry is in whole seconds: move the clock to just before it, then onto it.
    const expiresAtMs = (jwt.decode(short) as jwt.JwtPayload).exp! * 1000;
    const client = await openWs(wsUrl(t.url), { token: short });
    try {
      await client.waitFor((f) => f.type === 'ready');
      await clock.advance(expiresAtMs - clock.now() - 1);
      client.send({ type: 'ping', ref: 'in-time' });
      expect((await client.waitFor((f) => f.ref === 'in-time')).type).toBe('pong');
      expect(client.frames.some((f) => f.error?.code === 'unauthorized')).toBe(false);
      await clock.advance(1);
      const expired = await client.waitFor(
        (f) => f.type === 'error' && f.error.code === 'unauthorized',
        'the expiry notice',
      );
      expect(expired.ref).toBeUndefined();
      expect(expired.fatal).toBeUndefined();

      client.send({ type: 'message.send', ref: 'late', conversationId: conv, content: 'hi' });
      expect((await client.waitFor((f) => f.ref === 'late')).error.code).toBe('unauthorized');
      expect(await storedCount(s.accessToken, conv)).toBe(0);

      const fresh = await t.request('POST', '/v1/sessions/refresh', {
        body: { refreshToken: s.refreshToken },
      });
      client.send({ type: 'auth', ref: 'again', token: fresh.body.accessToken });
      await client.waitFor((f) => f.type === 'ready' && client.frames.indexOf(f) > 0);
      client.send({ type: 'message.send', ref: 'ok', conversationId: conv, content: 'hi' });
      expect((await client.turn(conv)).at(-1).type).toBe('response.completed');
    } finally {
      await client.close();
    }
  });

  it('refuses to switch the connection to another user', async () => {
    const a = await tenant.session();
    const b = await tenant.session();
    const client = await openWs(wsUrl(t.url), { token: a.accessToken });
    try {
      await client.waitFor((f) => f.type === 'ready');
      client.send({ type: 'auth', ref: 'switch', token: b.accessToken });
      expect((await client.waitFor((f) => f.ref === 'switch')).error.code).toBe('forbidden');
    } finally {
      await client.close();
    }
  });

  it('closes a connection that never authenticates (4401) and drops a peer that stops answering pings', async () => {
    const ws = await startWsOnly(t.app.services, { authTimeoutMs: 100, heartbeatMs: 50 });
    try {
      const anonymous = await openWs(ws.url);
      await clock.advance(99);
      anonymous.send({ type: 'ping', ref: 'still-waiting' });
      await anonymous.waitFor((f) => f.ref === 'still-waiting');
      await clock.advance(1);
      const fatal = await anonymous.waitFor((f) => f.fatal === true);
      expect(fatal.error.code).toBe('unauthorized');
      expect((await anonymous.closed).code).toBe(4401);

      const s = await tenant.session();
      const dead = await openWs(ws.url, { token: s.accessToken, autoPong: false });
      const alive = await openWs(ws.url, { token: s.accessToken });
      await dead.waitFor((f) => f.type === 'ready');
      await alive.waitFor((f) => f.type === 'ready');
      // First beat: both are pinged. The live peer's pong reaches the server before its
      // next frame (one ordered socket), so the answer to that frame proves it arrived.
      const pinged = new Promise((r) => alive.ws.once('ping', r));
      await clock.advance(50);
      await pinged;
      alive.send({ type: 'ping', ref: 'ponged' });
      await alive.waitFor((f) => f.ref === 'ponged');
      // Second beat: the silent peer missed the first ping.
      await clock.advance(50);
      // The server terminates the silent peer (no close frame: 1006 on this side).
      expect((await dead.closed).code).toBe(1006);
      alive.send({ type: 'ping', ref: 'still-here' });
      await alive.waitFor((f) => f.ref === 'still-here');
      await alive.close();
    } finally {
      await ws.close();
    }
  });

  it('ends the sockets of a session that is revoked', async () => {
    const s = await tenant.session();
    const client = await openWs(wsUrl(t.url), { token: s.accessToken });
    await client.waitFor((f) => f.type === 'ready');
    const c = jwt.decode(s.accessToken) as jwt.JwtPayload;
    await t.app.services.sessions.revokeFamily(c.tid, c.sub!, c.sfid);
    const fatal = await client.waitFor((f) => f.fatal === true);
    expect(fatal.error.code).toBe('unauthorized');
    expect((await client.closed).code).toBe(4401);
  });
});
