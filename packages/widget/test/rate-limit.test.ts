import { createMockParley } from '@parley/sdk/testing';
import { createClient, isParleyError } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import { rateLimitWait } from '../src/chat/rate-limit.js';

describe('rateLimitWait', () => {
  it('reads Retry-After from a real RateLimitError thrown by the SDK', async () => {
    const mock = createMockParley();
    const client = createClient({ baseUrl: mock.baseUrl, getToken: () => 't', fetch: mock.fetch });
    mock.failNext(
      { method: 'POST', path: '/v1/conversations' },
      {
        status: 429,
        code: 'rate_limited',
        retryAfter: 7,
      },
    );
    const err = await client.conversations.create().catch((e: unknown) => e);
    expect(isParleyError(err) && err.status).toBe(429);
    expect(rateLimitWait(err)).toBe(7);
  });

  it('knows quota errors arriving in a stream, and ignores other failures', () => {
    expect(rateLimitWait({ code: 'quota_exceeded', message: 'Daily quota used' })).toBe(5);
    expect(rateLimitWait({ code: 'provider_error', message: 'x' })).toBeNull();
    expect(rateLimitWait(new Error('boom'))).toBeNull();
    expect(rateLimitWait(null)).toBeNull();
  });
});
