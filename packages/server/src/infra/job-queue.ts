export type JobHandler<T = unknown> = (data: T) => Promise<void>;

/** Background work after the answer (memory extraction, analytics, cleanup). */
export interface JobQueue {
  add<T>(name: string, data: T, opts?: { delayMs?: number; attempts?: number }): Promise<void>;
  process<T>(name: string, handler: JobHandler<T>, concurrency?: number): void;
  /** Resolves when no job is queued or running (tests, graceful shutdown). */
  drain(): Promise<void>;
  close(): Promise<void>;
}

interface Pending {
  name: string;
  data: unknown;
  attemptsLeft: number;
}

/** In-process queue for the embedded default: same contract, no persistence. */
export class MemoryJobQueue implements JobQueue {
  private readonly handlers = new Map<
    string,
    { fn: JobHandler; concurrency: number; running: number }
  >();
  private readonly queue: Pending[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly onError: (name: string, err: unknown) => void = () => {}) {}

  async add<T>(
    name: string,
    data: T,
    opts: { delayMs?: number; attempts?: number } = {},
  ): Promise<void> {
    if (this.closed) return;
    const job = { name, data, attemptsLeft: opts.attempts ?? 1 };
    if (opts.delayMs) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.enqueue(job);
      }, opts.delayMs);
      t.unref();
      this.timers.add(t);
    } else {
      this.enqueue(job);
    }
  }

  process<T>(name: string, handler: JobHandler<T>, concurrency = 1): void {
    this.handlers.set(name, { fn: handler as JobHandler, concurrency, running: 0 });
    this.pump();
  }

  private enqueue(job: Pending): void {
    this.queue.push(job);
    setImmediate(() => this.pump());
  }

  private pump(): void {
    for (let i = 0; i < this.queue.length;) {
      const job = this.queue[i]!;
      const h = this.handlers.get(job.name);
      if (!h || h.running >= h.concurrency) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      h.running++;
      h.fn(job.data)
        .catch((err: unknown) => {
          if (--job.attemptsLeft > 0 && !this.closed) this.queue.push(job);
          else this.onError(job.name, err);
        })
        .finally(() => {
          h.running--;
          this.pump();
        });
    }
    if (this.isIdle()) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private isIdle(): boolean {
    if (this.timers.size > 0) return false;
    for (const h of this.handlers.values()) if (h.running > 0) return false;
    return !this.queue.some((j) => this.handlers.has(j.name));
  }

  drain(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
