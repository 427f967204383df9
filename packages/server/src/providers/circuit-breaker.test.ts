import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestInfra } from '../../test/helpers/test-infra.js';
import type { Infra } from '../infra/index.js';
import type { KeyValueStore } from '../infra/kv.js';
import { CircuitBreaker } from './circuit-breaker.js';

// Real Redis when TEST_REDIS_URL is set, the in-process store otherwise.
let infra: Infra;
beforeEach(async () => {
  infra = await openTestInfra();
});
afterEach(() => infra.close());

/** Counts store calls, to hold the hot path to its budget. */
function counting(kv: KeyValueStore): KeyValueStore & { reads: number; writes: number } {
  const c = { reads: 0, writes: 0 };
  return Object.assign(c, {
    get: (k: string) => (c.reads++, kv.get(k)),
    set: (k: string, v: string, ttl: number) => (c.writes++, kv.set(k, v, ttl)),
    setIfAbsent: (k: string, v: string, ttl: number) => (c.writes++, kv.setIfAbsent(k, v, ttl)),
    deleteIfEquals: (k: string, v: string) => (c.writes++, kv.deleteIfEquals(k, v)),
    del: (k: string) => (c.writes++, kv.del(k)),
  });
}

function clock(): { now: () => number; advance(ms: number): void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

const T = 'openai:gpt-4o-mini';

describe('CircuitBreaker', () => {
  it('opens after N consecutive failures and then skips the provider', async () => {
    const b = new CircuitBreaker(infra.kv, { failureThreshold: 3, cooldownMs: 30_000 });
    for (let i = 0; i < 2; i++) {
      expect(await b.admit(T)).toBe('closed');
      await b.failure(T, 'closed');
    }
    expect(await b.admit(T)).toBe('closed');
    await b.failure(T, 'closed');
    expect(await b.admit(T)).toBe('open');
    // Other targets are unaffected.
    expect(await b.admit('anthropic:claude-haiku-4-5')).toBe('closed');
  });

  it('counts only consecutive failures: a success resets the count', async () => {
    const b = new CircuitBreaker(infra.kv, { failureThreshold: 2, cooldownMs: 30_000 });
    await b.failure(T, 'closed');
    await b.success(T, 'closed');
    await b.failure(T, 'closed');
    expect(await b.admit(T)).toBe('closed');
  });

  it('is shared through the store: another instance skips the provider too', async () => {
    const c = clock();
    const opts = { failureThreshold: 2, cooldownMs: 30_000, now: c.now, cacheMs: 1_000 };
    const a = new CircuitBreaker(infra.kv, opts);
    const other = new CircuitBreaker(infra.kv, opts);
    expect(await other.admit(T)).toBe('closed');
    await a.failure(T, 'closed');
    await a.failure(T, 'closed');
    expect(await a.admit(T)).toBe('open');
    // `other` trusts what it read for at most cacheMs, then sees the open circuit.
    expect(await other.admit(T)).toBe('closed');
    c.advance(1_001);
    expect(await other.admit(T)).toBe('open');
  });

  it('after the cool-down lets exactly one probe through; success closes the circuit', async () => {
    const c = clock();
    const opts = { failureThreshold: 1, cooldownMs: 30_000, now: c.now, cacheMs: 0 };
    const a = new CircuitBreaker(infra.kv, opts);
    const b = new CircuitBreaker(infra.kv, opts);
    await a.failure(T, 'closed');
    expect(await a.admit(T)).toBe('open');
    c.advance(30_001);
    const admissions = await Promise.all([a.admit(T), b.admit(T), a.admit(T)]);
    expect(admissions.filter((x) => x === 'probe')).toHaveLength(1);
    expect(admissions.filter((x) => x === 'open')).toHaveLength(2);
    const prober = admissions[0] === 'probe' ? a : admissions[1] === 'probe' ? b : a;
    await prober.success(T, 'probe');
    expect(await a.admit(T)).toBe('closed');
    expect(await b.admit(T)).toBe('closed');
  });

  it('a failed probe reopens the circuit for another cool-down', async () => {
    const c = clock();
    const b = new CircuitBreaker(infra.kv, {
      failureThreshold: 1,
      cooldownMs: 30_000,
      now: c.now,
      cacheMs: 0,
    });
    await b.failure(T, 'closed');
    c.advance(30_001);
    expect(await b.admit(T)).toBe('probe');
    await b.failure(T, 'probe');
    expect(await b.admit(T)).toBe('open');
    c.advance(29_000);
    expect(await b.admit(T)).toBe('open');
    c.advance(1_002);
    expect(await b.admit(T)).toBe('probe');
  });

  it('a cancelled probe frees the slot for the next caller', async () => {
    const c = clock();
    const b = new CircuitBreaker(infra.kv, {
      failureThreshold: 1,
      cooldownMs: 1_000,
      now: c.now,
      cacheMs: 0,
    });
    await b.failure(T, 'closed');
    c.advance(1_001);
    expect(await b.admit(T)).toBe('probe');
    expect(await b.admit(T)).toBe('open');
    await b.abandon(T, 'probe');
    expect(await b.admit(T)).toBe('probe');
  });

  it('costs a healthy call at most one store read (cached) and no write', async () => {
    const kv = counting(infra.kv);
    const b = new CircuitBreaker(kv, { failureThreshold: 3, cooldownMs: 30_000 });
    for (let i = 0; i < 20; i++) {
      const admission = await b.admit(T);
      await b.success(T, admission);
    }
    expect(kv.reads).toBe(1);
    expect(kv.writes).toBe(0);
  });
});
