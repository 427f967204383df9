import type { Clock, TimerHandle } from './clock.js';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock that moves only when told to: `advance(ms)` runs every timer that
 * falls due, in order, letting promise callbacks settle between them. Tests
 * use it so nothing waits for wall-clock time and no assertion depends on speed.
 */
export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly timers = new Map<number, Timer>();

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { at: this.time + Math.max(0, ms), seq: id, fn });
    return id as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle !== undefined) this.timers.delete(handle as unknown as number);
  }

  /** Timers armed and not yet run. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, running due timers in order. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      await settle();
      const next = [...this.timers.values()]
        .filter((t) => t.at <= target)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.timers.delete(next.seq);
      this.time = next.at;
      next.fn();
    }
    this.time = target;
    await settle();
  }

  /** Runs timers until none is armed (bounded, so a self-rearming timer cannot spin forever). */
  async runAll(maxTimers = 1000): Promise<void> {
    for (let i = 0; i < maxTimers && this.timers.size > 0; i++) {
      const next = [...this.timers.values()].sort((a, b) => a.at - b.at || a.seq - b.seq)[0]!;
      await this.advance(next.at - this.time);
    }
  }
}

/** Lets already-resolved promise chains run (several microtask + macrotask turns). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}
