import type { TimerHandle } from '../../server/src/clock/clock.js';
import { ManualClock } from '../../server/src/clock/manual-clock.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  createClient,
  InternalServerError,
  RateLimitError,
} from '../src/index.js';
import type { TestApp, TestTenant } from './helpers.js';
import { startTestApp } from './helpers.js';

let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.createTenant();
});
afterAll(() => t.close());

type Action = { status: number; retryAfter?: string } | 'drop' | 'hang' | 'pass';

/**
 * A real HTTP gateway in front of the server, like a load balancer having a
 * bad moment: the first requests to /v1/conversations get the planned
 * failures, everything after passes through.
 */
async function gateway(plan: Action[]) {
  const hits: { method: string; path: string }[] = [];
  const hung: http.ServerResponse[] = [];
  const server = http.createServer(async (req, res) => {
    const path = req.url ?? '/';
    const planned = path.startsWith('/v1/conversations');
    if (planned) hits.push({ method: req.method!, path });
    const action = planned ? (plan.shift() ?? 'pass') : 'pass';
    if (action === 'drop') return req.socket.destroy();
    if (action === 'hang') return void hung.push(res);
    if (action !== 'pass') {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (action.retryAfter) headers['retry-after'] = action.retryAfter;
      const code = action.status === 429 ? 'rate_limited' : 'service_unavailable';
      return res
        .writeHead(action.status, headers)
        .end(JSON.stringify({ error: { code, message: 'busy' } }));
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const upstream = await fetch(t.url + path, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    res.writeHead(upstream.status, Object.fromEntries(upstream.headers));
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    hits,
    close: () =>
      new Promise<void>((r) => {
        for (const res of hung) res.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function withGateway(
  plan: Action[],
  fn: (g: Awaited<ReturnType<typeof gateway>>) => Promise<void>,
) {
  const g = await gateway(plan);
  try {
    await fn(g);
  } finally {
    await g.close();
  }
}

describe('retries', () => {
  it('retries an idempotent request after the Retry-After the server asked for', () =>
    withGateway([{ status: 503, retryAfter: '1' }], async (g) => {
      // The SDK waits on a clock the test moves; arming the 1 s wait is the state we wait for.
      const clock = new ManualClock(Date.now());
      let waiting!: () => void;
      const retryArmed = new Promise<void>((r) => (waiting = r));
      const client = createClient({
        baseUrl: g.url,
        secretKey: tenant.secretKey,
        clock: {
          now: () => clock.now(),
          setTimeout: (fn, ms) => (ms === 1000 && waiting(), clock.setTimeout(fn, ms)),
          clearTimeout: (h) => clock.clearTimeout(h as TimerHandle),
        },
      });
      const listing = client.conversations.list();
      await retryArmed;
      await clock.advance(999);
      // Honoured, not guessed: no second try before the server's Retry-After.
      expect(g.hits).toHaveLength(1);
      await clock.advance(1);
      expect((await listing).data).toEqual([]);
      expect(g.hits).toHaveLength(2);
    }));

  it('gives a too-long Retry-After back to the caller instead of sleeping', () =>
    withGateway([{ status: 429, retryAfter: '120' }], async (g) => {
      const client = createClient({ baseUrl: g.url, secretKey: tenant.secretKey });
      const err = await client.conversations.list().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RateLimitError);
      expect(err).toMatchObject({ status: 429, code: 'rate_limited', retryAfter: 120 });
      expect(g.hits).toHaveLength(1);
    }));

  it('stops after maxRetries with the last error', () =>
    withGateway([{ status: 503 }, { status: 503 }, { status: 503 }], async (g) => {
      const client = createClient({ baseUrl: g.url, secretKey: tenant.secretKey, maxRetries: 1 });
      const err = await client.conversations.list().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InternalServerError);
      expect(g.hits).toHaveLength(2);
    }));

  it('retries a GET whose connection dropped', () =>
    withGateway(['drop'], async (g) => {
      const client = createClient({ baseUrl: g.url, secretKey: tenant.secretKey });
      expect((await client.conversations.list()).data).toEqual([]);
      expect(g.hits).toHaveLength(2);
    }));

  it('never retries a POST: not on 503, not on a dropped connection', () =>
    withGateway([{ status: 503, retryAfter: '0' }, 'drop'], async (g) => {
      const client = createClient({ baseUrl: g.url, secretKey: tenant.secretKey });
      await expect(client.conversations.create()).rejects.toBeInstanceOf(InternalServerError);
      await expect(client.conversations.create()).rejects.toBeInstanceOf(APIConnectionError);
      expect(g.hits.map((h) => h.method)).toEqual(['POST', 'POST']);
    }));

  it('never retries a streamed answer', async () => {
    const direct = createClient({ baseUrl: t.url, secretKey: tenant.secretKey });
    const conv = await direct.conversations.create();
    await withGateway([{ status: 503, retryAfter: '0' }], async (g) => {
      const client = createClient({ baseUrl: g.url, secretKey: tenant.secretKey });
      const err = await client.messages
        .send(conv.id, 'once')
        .finalMessage()
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InternalServerError);
      expect(g.hits).toHaveLength(1);
    });
  });

  it('times out with APIConnectionTimeoutError', () =>
    withGateway(['hang'], async (g) => {
      const client = createClient({
        baseUrl: g.url,
        secretKey: tenant.secretKey,
        timeoutMs: 300,
        maxRetries: 0,
      });
      const err = await client.conversations.list().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(APIConnectionTimeoutError);
      expect(err).toBeInstanceOf(APIConnectionError);
    }));
});
