import {
  WS_CLOSE_INSTANCE_FULL,
  WS_CLOSE_TOO_MANY_CONNECTIONS,
  WS_CLOSE_TOO_MANY_FRAMES,
} from '@parley/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock/manual-clock.js';
import type { TestApp, TestTenant } from './helpers/test-app.js';
import { startTestApp } from './helpers/test-app.js';
import { openTestInfra, usingRedis } from './helpers/test-infra.js';
import type { WsTestClient } from './helpers/ws-client.js';
import { openWs, wsUrl } from './helpers/ws-client.js';
import { startWsOnly } from './helpers/ws-only-server.js';

// The frame budget reads the app's clock: time moves only when a test says so.
const clock = new ManualClock(Date.now());
let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp({ clock });
  tenant = await t.createTenant();
});
afterAll(() => t.close());

async function ready(url: string, token: string): Promise<WsTestClient> {
  const client = await openWs(url, { token });
  await client.waitFor((f) => f.type === 'ready' || f.type === 'error', 'ready');
  return client;
}

const pongs = (c: WsTestClient) => c.frames.filter((f) => f.type === 'pong').length;

/** Sends `n` ping frames and waits for the pong of the last one. */
async function pings(c: WsTestClient, n: number, tag: string): Promise<void> {
  for (let i = 0; i < n; i++) c.send({ type: 'ping', ref: `${tag}-${i}` });
  await c.waitFor((f) => f.type === 'pong' && f.ref === `${tag}-${n - 1}`, `pong ${tag}`);
}

describe('WebSocket frame rate (burst 50, then 20 frames per second)', () => {
  it('cuts a flood of 5,000 pings after the burst, with 4429', async () => {
    const s = await tenant.session();
    const client = await ready(wsUrl(t.url), s.accessToken);
    for (let i = 0; i < 5000; i++) client.send({ type: 'ping', ref: `p${i}` });
    const closed = await client.closed;
    expect(closed).toEqual({ code: WS_CLOSE_TOO_MANY_FRAMES, reason: 'too many frames' });
    expect(pongs(client)).toBe(50);
    expect(client.frames.at(-1)).toMatchObject({
      type: 'error',
      fatal: true,
      error: { code: 'rate_limited' },
    });
  });

  it('counts WebSocket control pings too', async () => {
    const s = await tenant.session();
    const client = await ready(wsUrl(t.url), s.accessToken);
    for (let i = 0; i < 200; i++) client.ws.ping();
    expect((await client.closed).code).toBe(WS_CLOSE_TOO_MANY_FRAMES);
  });

  it('never cuts a client that keeps to the rate; one frame more and it is cut', async () => {
    const s = await tenant.session();
    const client = await ready(wsUrl(t.url), s.accessToken);
    try {
      await pings(client, 50, 'burst');
      for (let second = 0; second < 5; second++) {
        await clock.advance(1000);
        await pings(client, 20, `s${second}`);
      }
      expect(pongs(client)).toBe(150);
      client.send({ type: 'ping', ref: 'one-too-many' });
      expect((await client.closed).code).toBe(WS_CLOSE_TOO_MANY_FRAMES);
      expect(client.frames.some((f) => f.ref === 'one-too-many' && f.type === 'pong')).toBe(false);
    } finally {
      await client.close();
    }
  });
});

describe('WebSocket connection caps', () => {
  it('closes a user’s connection above the per-user cap with 4430; others and freed slots still connect', async () => {
    const ws = await startWsOnly(t.app.services, { maxConnectionsPerUser: 2 });
    const alice = await tenant.session('cap-alice');
    const bob = await tenant.session('cap-bob');
    const open: WsTestClient[] = [];
    try {
      open.push(await ready(ws.url, alice.accessToken), await ready(ws.url, alice.accessToken));
      const third = await openWs(ws.url, { token: alice.accessToken });
      open.push(third);
      expect(await third.closed).toEqual({
        code: WS_CLOSE_TOO_MANY_CONNECTIONS,
        reason: 'too many connections for this user',
      });
      expect(third.frames).toEqual([
        expect.objectContaining({
          type: 'error',
          fatal: true,
          error: expect.objectContaining({ code: 'rate_limited' }),
        }),
      ]);

      // Another user is not affected, and a closed socket frees its slot.
      const other = await ready(ws.url, bob.accessToken);
      open.push(other);
      expect(other.frames[0]).toMatchObject({ type: 'ready', userId: bob.userId });
      await open[0]!.close();
      const again = await ready(ws.url, alice.accessToken);
      open.push(again);
      expect(again.frames[0]).toMatchObject({ type: 'ready', userId: alice.userId });
    } finally {
      await Promise.all(open.map((c) => c.close()));
      await ws.close();
    }
  });

  it('counts a user’s sockets across instances (Redis; embedded: one process)', async () => {
    // Redis: a second connection on the same prefix, as another instance has.
    const peerInfra = usingRedis
      ? await openTestInfra((t.infra as { prefix?: string }).prefix)
      : t.infra;
    const a = await startWsOnly(t.app.services, { maxConnectionsPerUser: 2 });
    const b = await startWsOnly(
      { ...t.app.services, infra: peerInfra },
      { maxConnectionsPerUser: 2 },
    );
    const erin = await tenant.session('cap-erin');
    const open: WsTestClient[] = [];
    try {
      open.push(await ready(a.url, erin.accessToken), await ready(b.url, erin.accessToken));
      const third = await openWs(a.url, { token: erin.accessToken });
      open.push(third);
      expect((await third.closed).code).toBe(WS_CLOSE_TOO_MANY_CONNECTIONS);
      // Closing the socket on the other instance frees a slot here, once that
      // instance's release reached the shared count (another Redis connection).
      await open[1]!.close();
      let again: WsTestClient | null = null;
      for (let attempt = 0; attempt < 50 && !again; attempt++) {
        const c = await ready(a.url, erin.accessToken);
        open.push(c);
        if (c.frames[0]?.type === 'ready') again = c;
        else await c.closed;
      }
      expect(again?.frames[0]).toMatchObject({ type: 'ready', userId: erin.userId });
    } finally {
      await Promise.all(open.map((c) => c.close()));
      await a.close();
      await b.close();
      if (usingRedis) await peerInfra.close();
    }
  });

  it('counts a socket that authenticates with an auth frame', async () => {
    const ws = await startWsOnly(t.app.services, { maxConnectionsPerUser: 1 });
    const carol = await tenant.session('cap-carol');
    const first = await ready(ws.url, carol.accessToken);
    const second = await openWs(ws.url);
    try {
      second.send({ type: 'auth', ref: 'a', token: carol.accessToken });
      expect((await second.closed).code).toBe(WS_CLOSE_TOO_MANY_CONNECTIONS);
      expect(second.frames[0]).toMatchObject({ type: 'error', ref: 'a', fatal: true });
    } finally {
      await Promise.all([first.close(), second.close()]);
      await ws.close();
    }
  });

  it('closes connections above the instance cap with 4503', async () => {
    const ws = await startWsOnly(t.app.services, { maxConnections: 2 });
    const open: WsTestClient[] = [];
    try {
      open.push(await openWs(ws.url), await openWs(ws.url));
      const third = await openWs(ws.url);
      open.push(third);
      expect((await third.closed).code).toBe(WS_CLOSE_INSTANCE_FULL);
      expect(open[0]!.ws.readyState).toBe(open[0]!.ws.OPEN);
    } finally {
      await Promise.all(open.map((c) => c.close()));
      await ws.close();
    }
  });
});
