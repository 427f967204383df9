import OpenAI from 'openai';
import type { Embedder } from './embedder.js';

export interface OpenAIEmbedderOptions {
  apiKey: string;
  baseURL?: string;
  model?: string;
  /** Shortened output width (text-embedding-3 models re-normalise it). */
  dimensions: number;
  /** Inputs per request; the API accepts up to 2048. */
  batchSize?: number;
  timeoutMs?: number;
}

/**
 * OpenAI embeddings (`text-embedding-3-small` by default) through the official
 * SDK, which asks for base64 and decodes it: a quarter of the JSON size.
 */
export class OpenAIEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly similarity = { relevant: 0.25, duplicate: 0.93 };
  private readonly client: OpenAI;
  private readonly model: string;
  private readonly batchSize: number;

  constructor(opts: OpenAIEmbedderOptions) {
    this.model = opts.model ?? 'text-embedding-3-small';
    this.id = `openai:${this.model}`;
    this.dimensions = opts.dimensions;
    this.batchSize = opts.batchSize ?? 256;
    // Embedding requests are idempotent, so the SDK's bounded retries are safe here.
    this.client = new OpenAI({
      apiKey: opts.apiKey,
      baseURL: opts.baseURL,
      maxRetries: 2,
      timeout: opts.timeoutMs ?? 20_000,
      logLevel: 'off',
    });
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) {
      const batch = texts.slice(i, i + this.batchSize).map((t) => t || ' ');
      const res = await this.client.embeddings.create(
        { model: this.model, input: batch, dimensions: this.dimensions },
        { signal },
      );
      const sorted = [...res.data].sort((a, b) => a.index - b.index);
      if (sorted.length !== batch.length)
        throw new Error(`embeddings: asked for ${batch.length} vectors, got ${sorted.length}`);
      for (const d of sorted) {
        if (d.embedding.length !== this.dimensions)
          throw new Error(
            `embeddings: ${this.model} returned ${d.embedding.length} dimensions, expected ${this.dimensions}`,
          );
        out.push(d.embedding);
      }
    }
    return out;
  }
}
