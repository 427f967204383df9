import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config/env.js';
import { buildProviders } from './build-providers.js';

describe('buildProviders', () => {
  it('falls back to the labelled offline provider when no model is configured', () => {
    const { registry, defaultModels } = buildProviders(loadConfig({}));
    expect(defaultModels).toEqual(['offline:offline']);
    expect(registry.resolve('offline:offline')?.provider.offline).toBe(true);
    expect(registry.has('openai')).toBe(false);
  });

  it('registers each configured vendor and chains them in order', () => {
    const { registry, defaultModels } = buildProviders(
      loadConfig({
        OPENAI_API_KEY: 'sk-1',
        ANTHROPIC_API_KEY: 'sk-ant-1',
        GOOGLE_API_KEY: 'g-1',
        PARLEY_COMPATIBLE_PROVIDERS: '[{"id":"ollama","baseURL":"http://localhost:11434/v1"}]',
      }),
    );
    expect(defaultModels).toEqual([
      'openai:gpt-4o-mini',
      'anthropic:claude-haiku-4-5',
      'google:gemini-2.5-flash',
    ]);
    for (const id of ['openai', 'anthropic', 'google', 'ollama', 'offline']) {
      expect(registry.has(id)).toBe(true);
    }
    expect(registry.resolve('ollama:llama3.2')).toMatchObject({
      model: 'llama3.2',
      provider: { id: 'ollama', offline: false },
    });
  });

  it('uses PARLEY_DEFAULT_MODELS as the chain, and refuses providers that are not configured', () => {
    const env = {
      PARLEY_COMPATIBLE_PROVIDERS: '[{"id":"ollama","baseURL":"http://localhost:11434/v1"}]',
    };
    expect(
      buildProviders(loadConfig({ ...env, PARLEY_DEFAULT_MODELS: 'ollama:llama3.2' }))
        .defaultModels,
    ).toEqual(['ollama:llama3.2']);
    expect(() =>
      buildProviders(
        loadConfig({ ...env, PARLEY_DEFAULT_MODELS: 'ollama:llama3.2,anthropic:claude-haiku-4-5' }),
      ),
    ).toThrow(ConfigError);
  });
});
