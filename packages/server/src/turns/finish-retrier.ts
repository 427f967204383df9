import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../clock/clock.js';

/** `done`: the statement ran, or a newer lease fenced it out; `unavailable`: try again later. */
export type FinishAttempt = () => Promise<'done' | 'unavailable'>;

const MIN_DELAY_MS = 250;
const MAX_DELAY_MS = 1000;
const GIVE_UP_MS = 5 * 60_000;

/**
 * Final statements that could not run because the database was away. Each
 * holds a lease on its conversation; retried until it runs, so the
 * conversation is free about a second after the database is back instead of
 * staying busy until the lease lapses. One loop for all of them: while the
 * database is down, one failed attempt per round, not one per turn.
 */
export class FinishRetrier {
  private readonly pending: { attempt: FinishAttempt; until: number }[] = [];
  private timer: TimerHandle | undefined;
  private delay = MIN_DELAY_MS;
  private running = false;
  private stopped = false;

  constructor(private readonly deps: { clock: Clock; log: Logger }) {}

  get size(): number {
    return this.pending.length;
  }

  add(attempt: FinishAttempt): void {
    if (this.stopped) return;
    this.pending.push({ attempt, until: this.deps.clock.now() + GIVE_UP_MS });
    if (!this.timer && !this.running) this.schedule(MIN_DELAY_MS);
  }

  stop(): void {
    this.stopped = true;
    this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      void this.round();
    }, ms);
  }

  private async round(): Promise<void> {
    this.running = true;
    try {
      while (this.pending.length > 0 && !this.stopped) {
        const next = this.pending[0]!;
        if (next.until <= this.deps.clock.now()) {
          this.pending.shift(); // its lease is long gone: a later turn has taken over
          continue;
        }
        const outcome = await next.attempt().catch(() => 'unavailable' as const);
        if (outcome === 'unavailable') {
          this.delay = Math.min(MAX_DELAY_MS, this.delay * 2);
          return this.schedule(this.delay);
        }
        this.pending.shift();
      }
      this.delay = MIN_DELAY_MS;
    } finally {
      this.running = false;
    }
  }
}
