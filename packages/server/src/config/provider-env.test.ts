import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env.js';

const load = (env: Record<string, string>) => loadConfig(env);

describe('provider settings from the environment', () => {
  it('reads keys, compatible endpoints, the default chain, timeouts and breaker settings', () => {
    const c = load({
      GEMINI_API_KEY: 'g-key',
      PARLEY_COMPATIBLE_PROVIDERS: JSON.stringify([
        { id: 'ollama', baseURL: 'http://localhost:11434/v1' },
        { id: 'openrouter', baseURL: 'https://openrouter.ai/api/v1', apiKey: 'or-key' },
      ]),
      PARLEY_DEFAULT_MODELS: 'openrouter:openai/gpt-4o-mini, ollama:llama3.2',
      PARLEY_FIRST_TOKEN_TIMEOUT_MS: '8000',
      PARLEY_BREAKER_FAILURES: '3',
      PARLEY_BREAKER_COOLDOWN_MS: '60000',
    });
    expect(c.googleApiKey).toBe('g-key');
    expect(c.llm.compatible).toEqual([
      { id: 'ollama', baseURL: 'http://localhost:11434/v1', apiKey: null },
      { id: 'openrouter', baseURL: 'https://openrouter.ai/api/v1', apiKey: 'or-key' },
    ]);
    expect(c.llm.defaultModels).toEqual(['openrouter:openai/gpt-4o-mini', 'ollama:llama3.2']);
    expect(c.llm).toMatchObject({
      firstTokenTimeoutMs: 8000,
      breakerFailureThreshold: 3,
      breakerCooldownMs: 60000,
    });
  });

  it('has working defaults with nothing set', () => {
    const c = load({});
    expect(c.googleApiKey).toBeNull();
    expect(c.llm).toMatchObject({
      compatible: [],
      defaultModels: null,
      firstTokenTimeoutMs: 30_000,
      breakerFailureThreshold: 5,
      breakerCooldownMs: 30_000,
    });
    expect(c.llm.prices['gpt-4o-mini']).toEqual({ input: 0.15, output: 0.6 });
  });

  it('reports every bad provider setting at once, by name', () => {
    let err: unknown;
    try {
      load({
        PARLEY_COMPATIBLE_PROVIDERS: JSON.stringify([
          { id: 'openai', baseURL: 'http://x' },
          { id: 'Bad Id', baseURL: 'http://x' },
          { id: 'vllm', baseURL: 'ftp://x' },
        ]),
        PARLEY_DEFAULT_MODELS: 'gpt-4o-mini',
        PARLEY_BREAKER_FAILURES: '0',
        PARLEY_PRICES_JSON: '[',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toContain('PARLEY_COMPATIBLE_PROVIDERS[0].id "openai" is already taken');
    expect(problems).toContain('PARLEY_COMPATIBLE_PROVIDERS[1].id must be lowercase');
    expect(problems).toContain('PARLEY_COMPATIBLE_PROVIDERS[2].baseURL must be an http(s) URL');
    expect(problems).toContain('PARLEY_DEFAULT_MODELS must be comma-separated provider:model');
    expect(problems).toContain('PARLEY_BREAKER_FAILURES must be an integer >= 1');
    expect(problems).toContain('PARLEY_PRICES_JSON is not valid JSON');
  });
});
