import type { ServerConfig } from '../config/env.js';
import { ConfigError } from '../config/env.js';
import { AnthropicProvider } from './anthropic-provider.js';
import { GoogleProvider } from './google-provider.js';
import { OfflineProvider } from './offline-provider.js';
import { OpenAIProvider } from './openai-provider.js';
import { ProviderRegistry } from './registry.js';

/** Model each vendor contributes to the default chain when PARLEY_DEFAULT_MODELS is unset. */
export const VENDOR_DEFAULT_MODELS = {
  anthropic: 'claude-haiku-4-5',
  google: 'gemini-2.5-flash',
} as const;

/**
 * Registers every provider the configuration enables; offline is always
 * there. The default chain is PARLEY_DEFAULT_MODELS, else one model per
 * configured vendor (OpenAI, Anthropic, Google, in that order), else offline.
 */
export function buildProviders(config: ServerConfig): {
  registry: ProviderRegistry;
  defaultModels: string[];
} {
  const registry = new ProviderRegistry().register(new OfflineProvider(config.offlineWordDelayMs));
  const derived: string[] = [];
  if (config.openaiApiKey) {
    registry.register(
      new OpenAIProvider({
        apiKey: config.openaiApiKey,
        baseURL: config.openaiBaseUrl ?? undefined,
      }),
    );
    derived.push(`openai:${config.defaultModel}`);
  }
  if (config.anthropicApiKey) {
    registry.register(new AnthropicProvider({ apiKey: config.anthropicApiKey }));
    derived.push(`anthropic:${VENDOR_DEFAULT_MODELS.anthropic}`);
  }
  if (config.googleApiKey) {
    registry.register(new GoogleProvider({ apiKey: config.googleApiKey }));
    derived.push(`google:${VENDOR_DEFAULT_MODELS.google}`);
  }
  for (const c of config.llm.compatible) {
    registry.register(new OpenAIProvider({ id: c.id, apiKey: c.apiKey, baseURL: c.baseURL }));
  }

  const chosen = config.llm.defaultModels;
  if (chosen) {
    const missing = chosen.filter((spec) => !registry.resolve(spec));
    if (missing.length > 0) {
      throw new ConfigError([
        `PARLEY_DEFAULT_MODELS names providers that are not configured: ${missing.join(', ')} ` +
          '(set the API key, or add the endpoint to PARLEY_COMPATIBLE_PROVIDERS)',
      ]);
    }
    return { registry, defaultModels: chosen };
  }
  return { registry, defaultModels: derived.length > 0 ? derived : ['offline:offline'] };
}
