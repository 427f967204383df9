import { afterAll, describe, expect, it } from 'vitest';
import { createInfra } from './index.js';
import type { RateLimiter, RateLimitRule } from './rate-limiter.js';
import { MemoryRateLimiter } from './rate-limiter.js';

const redisUrl = process.env.TEST_REDIS_URL ?? null;
const limiters: [string, () => Promise<RateLimiter>][] = [
  ['in-process', async () => new MemoryRateLimiter()],
];
const closers: (() => Promise<void>)[] = [];
if (redisUrl) {
  limiters.push([
    'redis (Lua)',
    async () => {
      const infra = await createInfra({
        redisUrl,
        prefix: `rlt${Math.random().toString(36).slice(2)}:`,
      });
      closers.push(() => infra.close());
      return infra.rateLimiter;
    },
  ]);
}
afterAll(async () => {
  for (const c of closers) await c();
});

const WINDOW = 60_000;
const T0 = 1_000 * WINDOW; // a window boundary

describe.each(limiters)('%s limiter', (_name, make) => {
  it('refuses past the limit and says exactly when the next hit fits (same window)', async () => {
    const rl = await make();
    const rule: RateLimitRule = { key: 'a', limit: 3, windowMs: WINDOW };
    for (let i = 0; i < 3; i++) expect((await rl.hit([rule], T0 + 1000)).allowed).toBe(true);
    const refused = await rl.hit([rule], T0 + 2000);
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    // Nothing frees up until the window rolls and the old hits' weight fades enough
    // (a third of the next window here); rounding may add a millisecond, never take one.
    expect(refused.retryAfterMs - (58_000 + 20_000)).toBeGreaterThanOrEqual(0);
    expect(refused.retryAfterMs - (58_000 + 20_000)).toBeLessThanOrEqual(1);
    const at = T0 + 2000 + refused.retryAfterMs;
    expect((await rl.hit([rule], T0 + 2000 + 78_000 - 1)).allowed).toBe(false);
    expect((await rl.hit([rule], at)).allowed).toBe(true);
  });

  it('accounts for the previous window fading (sliding window)', async () => {
    const rl = await make();
    const rule: RateLimitRule = { key: 'b', limit: 4, windowMs: WINDOW };
    for (let i = 0; i < 4; i++) await rl.hit([rule], T0 + 50_000);
    // 15 s into the next window, 4 × 0.75 = 3 still count: one more fits, then none.
    expect((await rl.hit([rule], T0 + WINDOW + 15_000)).allowed).toBe(true);
    const refused = await rl.hit([rule], T0 + WINDOW + 15_000);
    expect(refused.allowed).toBe(false);
    // It fits again once 4 × (1 - e) + 1 + 1 <= 4, i.e. half-way through the window.
    expect(refused.retryAfterMs - 15_000).toBeGreaterThanOrEqual(0);
    expect(refused.retryAfterMs - 15_000).toBeLessThanOrEqual(1);
    expect((await rl.hit([rule], T0 + WINDOW + 30_000)).allowed).toBe(true);
  });

  it('counts nothing when any rule refuses', async () => {
    const rl = await make();
    const tight: RateLimitRule = { key: 'c-tight', limit: 1, windowMs: WINDOW };
    const loose: RateLimitRule = { key: 'c-loose', limit: 10, windowMs: WINDOW };
    await rl.hit([tight, loose], T0 + 1);
    for (let i = 0; i < 5; i++) expect((await rl.hit([tight, loose], T0 + 2)).allowed).toBe(false);
    const r = await rl.hit([loose], T0 + 3);
    expect(r.remaining).toBe(8); // only the first, allowed hit was counted
  });

  it('reads quota counters atomically with the rules, and asks for seeds it lacks', async () => {
    const rl = await make();
    const rule: RateLimitRule = { key: 'd', limit: 100, windowMs: WINDOW };
    const quota = { key: 'user:x:messages:d1', limit: 3 };
    expect(await rl.check([rule], [quota], T0)).toEqual({ kind: 'missing', quotas: [quota] });
    await rl.seed([{ key: quota.key, value: 2, ttlMs: 60_000 }], T0);
    await rl.seed([{ key: quota.key, value: 0, ttlMs: 60_000 }], T0); // seeding never overwrites
    expect((await rl.check([rule], [quota], T0)).kind).toBe('rate');
    await rl.add([{ key: quota.key, amount: 1 }], T0);
    expect(await rl.check([rule], [quota], T0)).toEqual({ kind: 'quota', quota, used: 3 });
    // A refused quota consumed no rate-limit hit: one allowed check so far.
    const r = await rl.hit([rule], T0);
    expect(r.remaining).toBe(98);
    // Adding to an absent counter does not create a wrong partial one.
    await rl.add([{ key: 'user:y:messages:d1', amount: 5 }], T0);
    expect((await rl.check([rule], [{ key: 'user:y:messages:d1', limit: 3 }], T0)).kind).toBe(
      'missing',
    );
  });
});
