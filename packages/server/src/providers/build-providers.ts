import type { ServerConfig } from '../config/env.js';
import { OfflineProvider } from './offline-provider.js';
import { OpenAIProvider } from './openai-provider.js';
import { ProviderRegistry } from './registry.js';

/** Registers every provider the configuration enables; offline is always there. */
export function buildProviders(config: ServerConfig): {
  registry: ProviderRegistry;
  defaultModels: string[];
} {
  const registry = new ProviderRegistry().register(new OfflineProvider(config.offlineWordDelayMs));
  const defaultModels: string[] = [];
  if (config.openaiApiKey) {
    registry.register(
      new OpenAIProvider({
        apiKey: config.openaiApiKey,
        baseURL: config.openaiBaseUrl ?? undefined,
      }),
    );
    defaultModels.push(`openai:${config.defaultModel}`);
  }
  if (defaultModels.length === 0) defaultModels.push('offline:offline');
  return { registry, defaultModels };
}
