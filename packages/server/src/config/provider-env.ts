import type { PriceTable } from './model-prices.js';
import { parsePrices } from './model-prices.js';

/** An OpenAI-compatible endpoint: Ollama, vLLM, LM Studio, OpenRouter, … */
export interface CompatibleProviderConfig {
  /** Registry id used in `id:model` chains, e.g. `ollama`. */
  id: string;
  baseURL: string;
  apiKey: string | null;
}

/** Ids the built-in adapters own; a compatible endpoint cannot take them. */
const RESERVED = new Set(['openai', 'anthropic', 'google', 'offline']);
const ID = /^[a-z0-9-]+$/;
/** Same shape the tenant settings accept for a chain entry. */
const MODEL_SPEC = /^[a-z0-9-]+:[A-Za-z0-9._:/-]+$/;

/**
 * PARLEY_COMPATIBLE_PROVIDERS: a JSON list of `{id, baseURL, apiKey?}`.
 * Problems are pushed so every bad setting is reported at once.
 */
export function parseCompatibleProviders(
  raw: string | null,
  problems: string[],
): CompatibleProviderConfig[] {
  if (raw === null) return [];
  const name = 'PARLEY_COMPATIBLE_PROVIDERS';
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    problems.push(`${name} is not valid JSON`);
    return [];
  }
  if (!Array.isArray(parsed)) {
    problems.push(`${name} must be a JSON array of {"id", "baseURL", "apiKey"?}`);
    return [];
  }
  const out: CompatibleProviderConfig[] = [];
  const seen = new Set<string>();
  parsed.forEach((entry: unknown, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const where = `${name}[${i}]`;
    if (typeof e.id !== 'string' || !ID.test(e.id)) {
      problems.push(`${where}.id must be lowercase letters, digits or "-" (e.g. "ollama")`);
      return;
    }
    if (RESERVED.has(e.id) || seen.has(e.id)) {
      problems.push(`${where}.id "${e.id}" is already taken`);
      return;
    }
    if (typeof e.baseURL !== 'string' || !isHttpUrl(e.baseURL)) {
      problems.push(`${where}.baseURL must be an http(s) URL (e.g. "http://localhost:11434/v1")`);
      return;
    }
    if (e.apiKey !== undefined && e.apiKey !== null && typeof e.apiKey !== 'string') {
      problems.push(`${where}.apiKey must be a string when set`);
      return;
    }
    seen.add(e.id);
    out.push({ id: e.id, baseURL: e.baseURL, apiKey: (e.apiKey as string | undefined) || null });
  });
  return out;
}

/** PARLEY_DEFAULT_MODELS: `provider:model` entries, comma-separated, first is primary. */
export function parseModelChain(raw: string | null, problems: string[]): string[] | null {
  if (raw === null) return null;
  const chain = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = chain.filter((s) => !MODEL_SPEC.test(s));
  if (chain.length === 0 || bad.length > 0) {
    problems.push(
      `PARLEY_DEFAULT_MODELS must be comma-separated provider:model entries (e.g. "openai:gpt-4o-mini,anthropic:claude-haiku-4-5")${bad.length ? `; not valid: ${bad.join(', ')}` : ''}`,
    );
    return null;
  }
  return chain;
}

function isHttpUrl(s: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(s).protocol);
  } catch {
    return false;
  }
}

/** How models are chosen, failed over and priced (env names in the comments). */
export interface LlmConfig {
  /** PARLEY_COMPATIBLE_PROVIDERS */
  compatible: CompatibleProviderConfig[];
  /** PARLEY_DEFAULT_MODELS; null derives the chain from the configured keys. */
  defaultModels: string[] | null;
  /** PARLEY_FIRST_TOKEN_TIMEOUT_MS: a provider silent this long fails over. */
  firstTokenTimeoutMs: number;
  /** PARLEY_IDLE_TOKEN_TIMEOUT_MS: after the first token, a silence this long ends the answer (incomplete). */
  idleTokenTimeoutMs: number;
  /** PARLEY_BREAKER_FAILURES: consecutive failures that open a provider's circuit. */
  breakerFailureThreshold: number;
  /** PARLEY_BREAKER_COOLDOWN_MS: how long an open circuit skips before probing. */
  breakerCooldownMs: number;
  /** PARLEY_PRICES_JSON merged over DEFAULT_MODEL_PRICES. */
  prices: PriceTable;
}

type Env = Record<string, string | undefined>;

export function loadLlmConfig(env: Env, problems: string[]): LlmConfig {
  const get = (name: string): string | null => env[name]?.trim() || null;
  const int = (name: string, fallback: number): number => {
    const raw = get(name);
    if (raw === null) return fallback;
    const n = Number(raw);
    if (Number.isInteger(n) && n >= 1) return n;
    problems.push(`${name} must be an integer >= 1 (got "${raw}")`);
    return fallback;
  };
  return {
    compatible: parseCompatibleProviders(get('PARLEY_COMPATIBLE_PROVIDERS'), problems),
    defaultModels: parseModelChain(get('PARLEY_DEFAULT_MODELS'), problems),
    firstTokenTimeoutMs: int('PARLEY_FIRST_TOKEN_TIMEOUT_MS', 30_000),
    idleTokenTimeoutMs: int('PARLEY_IDLE_TOKEN_TIMEOUT_MS', 30_000),
    breakerFailureThreshold: int('PARLEY_BREAKER_FAILURES', 5),
    breakerCooldownMs: int('PARLEY_BREAKER_COOLDOWN_MS', 30_000),
    prices: parsePrices(get('PARLEY_PRICES_JSON'), problems),
  };
}
