import type { ServerConfig } from '../config/env.js';
import type { Embedder } from './embedder.js';
import { HashingEmbedder } from './hashing-embedder.js';
import { LocalEmbedder } from './local-embedder.js';
import { OpenAIEmbedder } from './openai-embedder.js';

/** The deployment's embedder: hashing unless the operator chose OpenAI or the local model. */
export function buildEmbedder(config: ServerConfig): Embedder {
  if (config.embedder === 'local') return new LocalEmbedder(config.embeddingDimensions);
  if (config.embedder === 'openai' && config.openaiApiKey) {
    return new OpenAIEmbedder({
      apiKey: config.openaiApiKey,
      baseURL: config.openaiBaseUrl ?? undefined,
      dimensions: config.embeddingDimensions,
    });
  }
  return new HashingEmbedder(config.embeddingDimensions);
}
