import { describe, expect, it } from 'vitest';
import { MemoryConnectionCounter } from './connection-counter.js';

describe('in-process connection counter', () => {
  it('holds at most max leases per key, frees them on release and when they lapse', async () => {
    let now = 0;
    const counter = new MemoryConnectionCounter(() => now);
    expect(await counter.acquire('u1', 'a', 2, 1000)).toBe(true);
    expect(await counter.acquire('u1', 'b', 2, 1000)).toBe(true);
    expect(await counter.acquire('u1', 'c', 2, 1000)).toBe(false);
    expect(await counter.acquire('u2', 'd', 2, 1000)).toBe(true); // keys are separate

    await counter.release('u1', 'a');
    expect(await counter.acquire('u1', 'c', 2, 1000)).toBe(true);

    // 'c' is refreshed (its instance is alive), 'b' is not (its instance died).
    now = 900;
    await counter.refresh([{ key: 'u1', id: 'c' }], 1000);
    now = 1500;
    expect(await counter.acquire('u1', 'e', 2, 1000)).toBe(true);
    expect(await counter.acquire('u1', 'f', 2, 1000)).toBe(false);
  });
});
