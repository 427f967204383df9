import type { ParleyEvent } from '@parley/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildServer } from '../helpers/child-server.js';
import { lastOf, openSse, textOf } from '../helpers/sse-stream.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import type { Cluster, FaultUser } from './fault-cluster.js';
import { haveServices, LONG, openCluster, request, tenantOn } from './fault-cluster.js';

/**
 * Server processes started, killed and cut off from PostgreSQL and Redis,
 * as an operator's bad day would go. Real services only (the multi-instance
 * half of the suite): without TEST_DATABASE_URL and TEST_REDIS_URL it is skipped.
 */
const suite = haveServices ? describe : describe.skip;

const send = (server: ChildServer, user: FaultUser, conversationId: string, content: string) =>
  openSse(`${server.url}/v1/conversations/${conversationId}/messages`, {
    method: 'POST',
    token: user.token,
    body: { content },
  });

const deltas = (n: number) => {
  let seen = 0;
  return (e: ParleyEvent) => e.type === 'text.delta' && ++seen >= n;
};

/** Retries while the answer is 409 (the previous turn's lease has not lapsed yet). */
async function sendWhenFree(server: ChildServer, user: FaultUser, conv: string, content: string) {
  for (let i = 0; i < 200; i++) {
    const s = await send(server, user, conv, content);
    if (s.status !== 409) return s;
    await s.ended;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the conversation stayed busy');
}

/** Waits for the server to reconnect to what came back (its readiness probe says so). */
async function readyAgain(server: ChildServer): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if ((await fetch(`${server.url}/readyz`)).status === 200) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the server did not become ready again');
}

async function storedMessages(server: ChildServer, user: FaultUser, conv: string) {
  const r = await request(`${server.url}/v1/conversations/${conv}/messages`, 'GET', user.token);
  return r.body.data as Array<{ role: string; status: string; content: string; seq: number }>;
}

suite('streams that survive faults (server processes, PostgreSQL, Redis)', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await openCluster();
  }, 120_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it('a client that drops on A and resumes on B gets exactly the rest of the answer', async () => {
    const [a, b] = await Promise.all([cluster.start(), cluster.start()]);
    const user = await (await tenantOn(a.url))('resumer');
    const content = LONG('resume');
    const control = await send(b, user, await user.newConversation(b.url), content);
    await control.ended;
    const full = textOf(control.events);
    expect(lastOf(control.events)?.type).toBe('response.completed');

    const conv = await user.newConversation(a.url);
    const first = await send(a, user, conv, content);
    await first.waitFor(deltas(5));
    first.abort(); // the network drops
    const seen = first.events.filter((e) => e.type !== 'response.failed');
    const lastSeq = Math.max(...seen.map((e) => e.seq));

    const resumed = await openSse(`${b.url}/v1/conversations/${conv}/stream?afterSeq=${lastSeq}`, {
      token: user.token,
    });
    expect(resumed.status).toBe(200);
    await resumed.ended;
    const all = [...seen, ...resumed.events];
    const seqs = all.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length); // nothing twice
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y)); // in order
    expect(textOf(all)).toBe(full); // nothing lost
    const end = lastOf(resumed.events);
    expect(end).toMatchObject({ type: 'response.completed', message: { content: full } });
  }, 120_000);

  it('a second socket on another instance follows the turn live, and its cancel reaches the owner', async () => {
    const [a, b] = await Promise.all([cluster.start(), cluster.start()]);
    const user = await (await tenantOn(a.url))('two-tabs');
    const conv = await user.newConversation(a.url);
    const tab1 = await send(a, user, conv, LONG('tabs'));
    await tab1.waitFor(deltas(2));
    const tab2 = await openSse(`${b.url}/v1/conversations/${conv}/stream?afterSeq=0`, {
      token: user.token,
    });
    await tab2.waitFor(deltas(4));
    const cancel = await request(`${b.url}/v1/conversations/${conv}/cancel`, 'POST', user.token);
    expect(cancel).toMatchObject({ status: 200, body: { cancelled: true } });
    await Promise.all([tab1.ended, tab2.ended]);
    for (const tab of [tab1, tab2]) {
      expect(lastOf(tab.events)).toMatchObject({
        type: 'response.failed',
        error: { code: 'cancelled' },
      });
    }
    // Both saw the same answer, up to the same stored incomplete message.
    expect(textOf(tab2.events)).toBe(textOf(tab1.events));
    const stored = await storedMessages(b, user, conv);
    expect(stored.at(-1)).toMatchObject({ role: 'assistant', status: 'incomplete' });
    expect(stored.at(-1)!.content).toBe(textOf(tab1.events));
  }, 120_000);

  it('SIGKILL mid-answer: the conversation is free again within the lease, and seq never goes back', async () => {
    const [a, b] = await Promise.all([cluster.start(), cluster.start()]);
    const user = await (await tenantOn(a.url))('killed');
    const conv = await user.newConversation(a.url);
    const s = await send(a, user, conv, LONG('kill'));
    await s.waitFor(deltas(5));
    const maxSeen = Math.max(...s.events.map((e) => e.seq));
    a.kill('SIGKILL');
    await a.exited;

    const next = await sendWhenFree(b, user, conv, 'still there?');
    expect(next.status).toBe(200);
    const created = await next.waitFor((e) => e.type === 'message.created');
    expect(created.seq).toBeGreaterThan(maxSeen);
    await next.ended;
    expect(lastOf(next.events)?.type).toBe('response.completed');
    const stored = await storedMessages(b, user, conv);
    expect(stored.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'incomplete'], // what the dead process had checkpointed, marked as such
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    const seqs = stored.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
  }, 120_000);

  it('SIGTERM with answers streaming: each client gets a last event, each partial is stored, nothing stays locked', async () => {
    const a = await cluster.start();
    const make = await tenantOn(a.url);
    const users = await Promise.all([...Array(6).keys()].map((i) => make(`drain-${i}`)));
    const convs = await Promise.all(users.map((u) => u.newConversation(a.url)));
    const streams = await Promise.all(users.map((u, i) => send(a, u, convs[i]!, LONG(`d${i}`))));
    await Promise.all(streams.map((s) => s.waitFor(deltas(2))));
    a.kill('SIGTERM');
    await Promise.all(streams.map((s) => s.ended));
    expect((await a.exited).code).toBe(0);

    const b = await cluster.start();
    for (const [i, s] of streams.entries()) {
      const end = lastOf(s.events);
      expect(end, `stream ${i} got no last event`).toBeDefined();
      if (end!.type === 'response.failed') {
        expect(end!.error).toMatchObject({
          code: 'service_unavailable',
          details: { retryable: true },
        });
      }
      const stored = await storedMessages(b, users[i]!, convs[i]!);
      expect(stored.at(-1)).toMatchObject({
        role: 'assistant',
        status: end!.type === 'response.completed' ? 'complete' : 'incomplete',
        content: textOf(s.events),
      });
    }
    // Nothing is left locked: the next message is accepted at once.
    const again = await send(b, users[0]!, convs[0]!, 'are you back?');
    expect(again.status).toBe(200);
    await again.ended;
  }, 120_000);

  it('PostgreSQL unreachable: 503 with Retry-After, the client is told its answer was not stored, and the conversation recovers', async () => {
    const pg = new URL(cluster.databaseUrl);
    const proxy = await startTcpProxy({ host: pg.hostname, port: Number(pg.port || 5432) });
    try {
      const viaProxy = new URL(cluster.databaseUrl);
      viaProxy.port = String(proxy.port);
      // A lease far longer than the test: the conversation is free again only
      // because the answer's final statement runs once the database is back.
      const a = await cluster.start({
        DATABASE_URL: viaProxy.toString(),
        PARLEY_TURN_LEASE_MS: '600000',
      });
      const user = await (await tenantOn(a.url))('pg-down');
      const conv = await user.newConversation(a.url);
      const other = await user.newConversation(a.url);
      const s = await send(a, user, conv, LONG('pg'));
      await s.waitFor(deltas(3));
      proxy.down();
      await s.ended;
      expect(lastOf(s.events)).toMatchObject({
        type: 'response.failed',
        error: { code: 'service_unavailable', details: { stored: false } },
      });
      const refused = await request(
        `${a.url}/v1/conversations/${other}/messages`,
        'POST',
        user.token,
        {
          content: 'hello?',
        },
      );
      expect(refused.status).toBe(503);
      expect(refused.body.error).toMatchObject({
        code: 'service_unavailable',
        message: expect.stringMatching(/unavailable/),
        details: { retryAfter: expect.any(Number) },
      });
      const ready = await fetch(`${a.url}/readyz`);
      expect(ready.status).toBe(503);

      proxy.up();
      const next = await sendWhenFree(a, user, conv, 'back again');
      expect(next.status).toBe(200);
      await next.ended;
      expect(lastOf(next.events)?.type).toBe('response.completed');
      const stored = await storedMessages(a, user, conv);
      expect(stored.filter((m) => m.role === 'assistant').map((m) => m.status)).toEqual([
        'incomplete',
        'complete',
      ]);
    } finally {
      await proxy.close();
    }
  }, 120_000);

  it('Redis unreachable: new turns get a fast 503, a turn in flight still ends as stored', async () => {
    const redis = new URL(cluster.redisUrl);
    const proxy = await startTcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    try {
      const viaProxy = new URL(cluster.redisUrl);
      viaProxy.port = String(proxy.port);
      const a = await cluster.start({ REDIS_URL: viaProxy.toString() });
      const user = await (await tenantOn(a.url))('redis-down');
      const conv = await user.newConversation(a.url);
      const other = await user.newConversation(a.url);
      const s = await send(a, user, conv, LONG('redis'));
      await s.waitFor(deltas(3));
      proxy.down();
      const refused = await request(
        `${a.url}/v1/conversations/${other}/messages`,
        'POST',
        user.token,
        {
          content: 'hello?',
        },
      );
      expect(refused.status).toBe(503);
      expect(refused.body.error.code).toBe('service_unavailable');
      await s.ended;
      const end = lastOf(s.events);
      expect(end?.type).toBe('response.completed');
      proxy.up();
      await readyAgain(a);
      const stored = await storedMessages(a, user, conv);
      expect(stored.at(-1)).toMatchObject({ status: 'complete', content: textOf(s.events) });
    } finally {
      await proxy.close();
    }
  }, 120_000);
});
