import Bull from 'bull';
import type { JobHandler, JobQueue } from './job-queue.js';

/** Bull queues on Redis: jobs survive restarts and spread over workers. */
export class BullJobQueue implements JobQueue {
  private readonly queues = new Map<string, Bull.Queue>();

  constructor(
    private readonly redisUrl: string,
    private readonly prefix: string,
  ) {}

  private queue(name: string): Bull.Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Bull(name, this.redisUrl, { prefix: `${this.prefix}bull` });
      this.queues.set(name, q);
    }
    return q;
  }

  async add<T>(
    name: string,
    data: T,
    opts: { delayMs?: number; attempts?: number } = {},
  ): Promise<void> {
    await this.queue(name).add(data, {
      delay: opts.delayMs,
      attempts: opts.attempts ?? 1,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: 1000,
      removeOnFail: 5000,
    });
  }

  process<T>(name: string, handler: JobHandler<T>, concurrency = 1): void {
    this.queue(name)
      .process(concurrency, (job) => handler(job.data as T))
      // Rejects when the queue is closed during start-up; nothing to recover.
      .catch(() => {});
  }

  async drain(): Promise<void> {
    for (;;) {
      let busy = 0;
      for (const q of this.queues.values()) {
        const c = await q.getJobCounts();
        busy += c.waiting + c.active + c.delayed;
      }
      if (busy === 0) return;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
