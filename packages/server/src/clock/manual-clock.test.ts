import { describe, expect, it } from 'vitest';
import { sleep } from './clock.js';
import { ManualClock } from './manual-clock.js';

describe('ManualClock', () => {
  it('runs timers only when time is advanced past them, in order', async () => {
    const clock = new ManualClock(1000);
    const ran: string[] = [];
    clock.setTimeout(() => ran.push('b'), 20);
    clock.setTimeout(() => ran.push('a'), 10);
    const cancelled = clock.setTimeout(() => ran.push('never'), 15);
    clock.clearTimeout(cancelled);
    await clock.advance(9);
    expect(ran).toEqual([]);
    await clock.advance(11);
    expect(ran).toEqual(['a', 'b']);
    expect(clock.now()).toBe(1020);
  });

  it('sleep resolves after advance and rejects on abort', async () => {
    const clock = new ManualClock();
    let done = false;
    const p = sleep(clock, 50).then(() => (done = true));
    await clock.advance(49);
    expect(done).toBe(false);
    await clock.advance(1);
    await p;
    expect(done).toBe(true);
    const ac = new AbortController();
    const q = sleep(clock, 50, ac.signal);
    ac.abort(new Error('stop'));
    await expect(q).rejects.toThrow('stop');
    expect(clock.pending).toBe(0);
  });
});
