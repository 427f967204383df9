import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

describe('token bucket', () => {
  it('allows a burst, then refills at the steady rate', () => {
    let now = 1_000;
    const bucket = new TokenBucket(5, 2, () => now);
    const takeMany = (n: number) => Array.from({ length: n }, () => bucket.take());
    expect(takeMany(6)).toEqual([true, true, true, true, true, false]);
    now += 500; // half a second at 2/s: one token
    expect(takeMany(2)).toEqual([true, false]);
    now += 60_000; // a long pause refills to the burst, not beyond
    expect(takeMany(6).filter(Boolean)).toHaveLength(5);
  });

  it('is not refilled by a clock that steps back', () => {
    let now = 10_000;
    const bucket = new TokenBucket(1, 1, () => now);
    expect(bucket.take()).toBe(true);
    now -= 5_000;
    expect(bucket.take()).toBe(false);
  });
});
