import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../clock/clock.js';
import type { SqlClient } from '../db/sql-client.js';
import type { Fence } from './turn-statements.js';
import { renewLease } from './turn-statements.js';

export interface LeaseOptions {
  leaseMs: number;
  /** Seqs reserved per extension. */
  seqBlock: number;
}

/**
 * Keeps a running turn's lease: renews it every third of its length
 * (checkpointing the answer's text on the way), extends the seq block on
 * demand, and reports a lost lease once. Stopping it leaves the lease to
 * the final statement (or to expiry, when that statement cannot run).
 */
export class LeaseKeeper {
  private timer: TimerHandle | undefined;
  private inFlight: Promise<void> | null = null;
  private extendWanted = false;
  private stopped = false;

  constructor(
    private readonly deps: { sql: SqlClient; clock: Clock; log: Logger },
    private readonly fence: Fence,
    private readonly opts: LeaseOptions,
    private readonly hooks: {
      /** Text streamed since the last stored checkpoint; `stored()` once it is written. */
      checkpoint(): { text: string; stored(): void };
      seqCeiling(ceiling: number): void;
      lost(): void;
    },
  ) {}

  start(): void {
    this.schedule();
  }

  /** Asks for more seqs now (events are waiting for them). */
  extendSeqs(): void {
    this.extendWanted = true;
    void this.renew();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.deps.clock.clearTimeout(this.timer);
    await this.inFlight;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.deps.clock.setTimeout(() => void this.renew(), this.opts.leaseMs / 3);
  }

  private renew(): Promise<void> {
    if (this.inFlight || this.stopped) return this.inFlight ?? Promise.resolve();
    this.deps.clock.clearTimeout(this.timer);
    const extend = this.extendWanted ? this.opts.seqBlock : 0;
    this.extendWanted = false;
    const cp = this.hooks.checkpoint();
    this.inFlight = renewLease(this.deps.sql, this.fence, this.opts.leaseMs, extend, cp.text)
      .then(
        (r) => {
          if (!r) return this.hooks.lost();
          cp.stored();
          this.hooks.seqCeiling(r.seqCeiling);
        },
        (err: unknown) => {
          // The database is unreachable: the lease may lapse; the final statement will tell.
          this.deps.log.warn(
            { err, conversationId: this.fence.conversationId },
            'lease renewal failed',
          );
          if (extend) this.extendWanted = true;
        },
      )
      .finally(() => {
        this.inFlight = null;
        if (this.extendWanted && !this.stopped) void this.renew();
        else this.schedule();
      });
    return this.inFlight;
  }
}
