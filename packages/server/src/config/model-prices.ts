/** USD per 1M tokens. */
export interface ModelPrice {
  input: number;
  output: number;
}

/**
 * List prices (USD per 1M tokens, standard tier, short prompts) for common
 * models. Keys match by longest prefix, so `gpt-4o-mini-2024-07-18` uses
 * `gpt-4o-mini`; a `provider:model` key wins over a bare model name.
 * Override or extend with PARLEY_PRICES_JSON.
 */
export const DEFAULT_MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-pro': { input: 15, output: 120 },
  'o3-mini': { input: 1.1, output: 4.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'claude-3-haiku': { input: 0.25, output: 1.25 },
  'claude-3-5-haiku': { input: 0.8, output: 4 },
  'claude-haiku-4-5': { input: 1, output: 5 },
  'claude-3-5-sonnet': { input: 3, output: 15 },
  'claude-3-7-sonnet': { input: 3, output: 15 },
  'claude-sonnet-4': { input: 3, output: 15 },
  'claude-opus-4': { input: 15, output: 75 },
  'claude-opus-4-5': { input: 5, output: 25 },
  'gemini-2.0-flash': { input: 0.1, output: 0.4 },
  'gemini-2.5-flash-lite': { input: 0.1, output: 0.4 },
  'gemini-2.5-flash': { input: 0.3, output: 2.5 },
  'gemini-2.5-pro': { input: 1.25, output: 10 },
  'gemini-3-pro': { input: 2, output: 12 },
};

export type PriceTable = Readonly<Record<string, ModelPrice>>;

/** The price for `provider:model`, or null when the table does not know it. */
export function priceFor(table: PriceTable, provider: string, model: string): ModelPrice | null {
  return table[`${provider}:${model}`] ?? longestPrefix(table, model);
}

function longestPrefix(table: PriceTable, model: string): ModelPrice | null {
  let best: string | null = null;
  for (const key of Object.keys(table)) {
    if (model.startsWith(key) && (best === null || key.length > best.length)) best = key;
  }
  return best === null ? null : table[best]!;
}

/** Cost in USD rounded to the 8 decimals the usage columns keep. */
export function costUsd(price: ModelPrice, inputTokens: number, outputTokens: number): number {
  const usd = (inputTokens * price.input + outputTokens * price.output) / 1_000_000;
  return Math.round(usd * 1e8) / 1e8;
}

/**
 * PARLEY_PRICES_JSON: `{"model or provider:model": {"input": 0.15, "output": 0.6}}`,
 * merged over the defaults. Problems are pushed, not thrown, so every bad
 * setting is reported at once.
 */
export function parsePrices(raw: string | null, problems: string[]): PriceTable {
  if (raw === null) return DEFAULT_MODEL_PRICES;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    problems.push('PARLEY_PRICES_JSON is not valid JSON');
    return DEFAULT_MODEL_PRICES;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    problems.push('PARLEY_PRICES_JSON must be an object of {"model": {"input": n, "output": n}}');
    return DEFAULT_MODEL_PRICES;
  }
  const table: Record<string, ModelPrice> = { ...DEFAULT_MODEL_PRICES };
  for (const [model, v] of Object.entries(parsed)) {
    const p = v as Partial<ModelPrice> | null;
    if (!p || !isPrice(p.input) || !isPrice(p.output)) {
      problems.push(
        `PARLEY_PRICES_JSON["${model}"] needs non-negative numbers "input" and "output" (USD per 1M tokens)`,
      );
      continue;
    }
    table[model] = { input: p.input, output: p.output };
  }
  return table;
}

function isPrice(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0;
}
