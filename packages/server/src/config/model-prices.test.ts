import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_PRICES, costUsd, parsePrices, priceFor } from './model-prices.js';

describe('model prices', () => {
  it('prices dated model versions by their family (longest prefix wins)', () => {
    const t = DEFAULT_MODEL_PRICES;
    expect(priceFor(t, 'openai', 'gpt-4o-mini-2024-07-18')).toEqual({ input: 0.15, output: 0.6 });
    expect(priceFor(t, 'openai', 'gpt-4o-2024-08-06')).toEqual({ input: 2.5, output: 10 });
    expect(priceFor(t, 'anthropic', 'claude-sonnet-4-5-20250929')).toEqual({
      input: 3,
      output: 15,
    });
    expect(priceFor(t, 'anthropic', 'claude-opus-4-5-20251101')).toEqual({ input: 5, output: 25 });
    expect(priceFor(t, 'google', 'gemini-2.5-flash-lite')).toEqual({ input: 0.1, output: 0.4 });
    expect(priceFor(t, 'ollama', 'llama3.2')).toBeNull();
  });

  it('lets a provider:model entry override the bare model price', () => {
    const t = parsePrices('{"openrouter:gpt-4o-mini":{"input":0.2,"output":0.8}}', []);
    expect(priceFor(t, 'openrouter', 'gpt-4o-mini')).toEqual({ input: 0.2, output: 0.8 });
    expect(priceFor(t, 'openai', 'gpt-4o-mini')).toEqual({ input: 0.15, output: 0.6 });
  });

  it('computes USD from tokens, rounded to the 8 decimals stored', () => {
    // 9 in + 9 out on gpt-4o-mini: (9*0.15 + 9*0.6) / 1e6
    expect(costUsd({ input: 0.15, output: 0.6 }, 9, 9)).toBe(0.00000675);
    expect(costUsd({ input: 3, output: 15 }, 1_000_000, 1_000_000)).toBe(18);
    expect(costUsd({ input: 1 / 3, output: 0 }, 1, 0)).toBe(0.00000033);
  });

  it('merges PARLEY_PRICES_JSON over the defaults and reports every bad entry', () => {
    const problems: string[] = [];
    const t = parsePrices(
      '{"llama3.2":{"input":0,"output":0},"bad":{"input":-1,"output":1},"worse":"free"}',
      problems,
    );
    expect(priceFor(t, 'ollama', 'llama3.2')).toEqual({ input: 0, output: 0 });
    expect(priceFor(t, 'openai', 'gpt-4o-mini')).not.toBeNull();
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('PARLEY_PRICES_JSON["bad"]');
    expect(parsePrices('{nope', ((problems.length = 0), problems))).toBe(DEFAULT_MODEL_PRICES);
    expect(problems).toEqual(['PARLEY_PRICES_JSON is not valid JSON']);
  });
});
