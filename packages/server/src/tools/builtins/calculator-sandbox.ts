import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * mathjs runs in a worker thread. Its expression language has no loops, but
 * single calls can still burn seconds of CPU or gigabytes of memory
 * (`isPrime` on a 40-digit bignumber, `nthRoots(1, 1e7)`), and on the main
 * thread that would stall every conversation on the instance. In the worker
 * a deadline terminates it and a heap cap turns a memory bomb into an error.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { create, all } = require(workerData.mathjsPath);
const math = create(all);
// Captured before the names below are disabled: expressions can no longer
// reach the parser, the compiler, unit definitions or the shared config.
const evaluate = math.evaluate;
const format = math.format;
const disabled = (name) => () => { throw new Error('Function ' + name + ' is disabled'); };
math.import(Object.fromEntries(${JSON.stringify([
  'import',
  'createUnit',
  'reviver',
  'config',
  'evaluate',
  'parse',
  'compile',
  'simplify',
  'simplifyConstant',
  'simplifyCore',
  'derivative',
  'resolve',
  'rationalize',
  'leafCount',
  'symbolicEqual',
  'help',
])}.map((n) => [n, disabled(n)])), { override: true });
parentPort.postMessage({ ready: true });
parentPort.on('message', ({ id, expression }) => {
  try {
    const value = evaluate(expression, new Map());
    if (typeof value === 'function') throw new Error('The expression defines a function but computes nothing');
    const result = format(value, { precision: 14 });
    if (result.length > 10000) throw new Error('The result is too long to show');
    parentPort.postMessage({ id, ok: true, result });
  } catch (err) {
    parentPort.postMessage({ id, ok: false, error: String((err && err.message) || err) });
  }
});
`;

interface Job {
  id: number;
  expression: string;
  resolve(result: string): void;
  reject(err: Error): void;
}

export class CalculatorSandbox {
  private worker: Worker | null = null;
  /** Loading mathjs takes a while; deadlines only start once the worker is ready. */
  private loaded = false;
  private readonly queue: Job[] = [];
  private current: { job: Job; timer: NodeJS.Timeout } | null = null;
  private nextId = 1;

  constructor(
    private readonly deadlineMs = 1_500,
    private readonly heapMb = 96,
  ) {}

  /** Resolves once the worker has loaded mathjs (starting it if needed); rejects if it dies first. */
  ready(): Promise<void> {
    if (this.worker && this.loaded) return Promise.resolve();
    return this.evaluate('0').then(() => undefined);
  }

  evaluate(expression: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, expression, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }

  private pump(): void {
    if (this.current || this.queue.length === 0) return;
    const worker = this.ensureWorker();
    if (!this.loaded) return; // the ready message pumps again
    const job = this.queue.shift()!;
    const timer = setTimeout(
      () => this.fail(new Error('The calculation took too long')),
      this.deadlineMs,
    );
    this.current = { job, timer };
    worker.postMessage({ id: job.id, expression: job.expression });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const mathjsPath = createRequire(import.meta.url).resolve('mathjs');
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { mathjsPath },
      resourceLimits: { maxOldGenerationSizeMb: this.heapMb, maxYoungGenerationSizeMb: 16 },
    });
    worker.unref(); // an idle calculator never keeps the process alive
    type Reply = { ready?: true; id: number; ok: boolean; result?: string; error?: string };
    worker.on('message', (msg: Reply) => {
      if (this.worker !== worker) return;
      if (msg.ready) {
        this.loaded = true;
        return this.pump();
      }
      const cur = this.current;
      if (!cur || cur.job.id !== msg.id) return;
      clearTimeout(cur.timer);
      this.current = null;
      if (msg.ok) cur.job.resolve(msg.result!);
      else cur.job.reject(new Error(msg.error));
      this.pump();
    });
    // Events of a worker we already replaced belong to a job that already failed.
    worker.on('error', (err: Error & { code?: string }) => {
      if (this.worker !== worker) return;
      this.fail(
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new Error('The calculation needs too much memory')
          : err,
      );
    });
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      this.fail(new Error('The calculator stopped unexpectedly'));
    });
    this.worker = worker;
    this.loaded = false;
    return worker;
  }

  /** Ends the running job with `err` and replaces the worker that ran it. */
  private fail(err: Error): void {
    const cur = this.current;
    if (!cur) {
      // The worker died before it became ready: nothing will run the queue.
      if (this.worker && !this.loaded) {
        this.worker = null;
        for (const job of this.queue.splice(0)) job.reject(err);
      }
      return;
    }
    clearTimeout(cur.timer);
    this.current = null;
    const w = this.worker;
    this.worker = null;
    if (w) void w.terminate();
    cur.job.reject(err);
    this.pump();
  }
}
