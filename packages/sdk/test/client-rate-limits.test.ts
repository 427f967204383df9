import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createClient, RateLimitError } from '../src/index.js';
import type { TestApp } from './helpers.js';
import { startTestApp } from './helpers.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

async function clientOf(settings: Record<string, unknown>) {
  const tenant = await t.createTenant(settings);
  // maxRetries 0: a GET would otherwise wait out a short Retry-After by itself.
  return createClient({
    baseUrl: t.url,
    secretKey: tenant.secretKey,
    WebSocket,
    maxRetries: 0,
  });
}

describe('RateLimitError.retryAfter', () => {
  it('a turn over the per-user limit is refused with rate_limited and a wait, over SSE and WS', async () => {
    const client = await clientOf({ rateLimits: { userPerMinute: 1 } });
    try {
      const conv = await client.conversations.create(); // the one request this minute
      for (const transport of ['sse', 'ws'] as const) {
        const stream = client.messages.send(conv.id, 'one too many', { transport });
        const err = await stream.finalMessage().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(RateLimitError);
        const limited = err as RateLimitError;
        expect(limited).toMatchObject({ status: 429, code: 'rate_limited' });
        expect(limited.retryAfter).toBeGreaterThan(0);
        // A sliding window frees its slot within two windows.
        expect(limited.retryAfter).toBeLessThanOrEqual(120);
      }
      // Plain REST calls too, and nothing was stored by the refused turns.
      const list = await client.messages.list(conv.id).catch((e: unknown) => e);
      expect(list).toBeInstanceOf(RateLimitError);
      expect((list as RateLimitError).retryAfter).toBeGreaterThan(0);
      expect(await t.db.knex('messages').where({ conversation_id: conv.id })).toEqual([]);
    } finally {
      client.close();
    }
  });

  it('a used-up daily quota is quota_exceeded with the wait until the next day', async () => {
    const client = await clientOf({ quotas: { user: { messagesPerDay: 1 } } });
    try {
      const conv = await client.conversations.create();
      await client.messages.send(conv.id, 'the only message today').finalMessage();
      for (const transport of ['sse', 'ws'] as const) {
        const err = await client.messages
          .send(conv.id, 'a second one', { transport })
          .finalMessage()
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(RateLimitError);
        const limited = err as RateLimitError;
        expect(limited).toMatchObject({ status: 429, code: 'quota_exceeded' });
        expect(limited.retryAfter).toBeGreaterThan(0);
        expect(limited.retryAfter).toBeLessThanOrEqual(86_400);
      }
    } finally {
      client.close();
    }
  });
});
