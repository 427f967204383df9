import { createHash } from 'node:crypto';
import type { KeyValueStore } from '../../infra/kv.js';
import { defineTool } from '../define-tool.js';
import type { ToolDefinition } from '../define-tool.js';
import type { ToolsConfig } from '../tools-config.js';
import type { SearchAnswer, SearchBackend } from './search-backends.js';
import { SEARCH_BACKENDS } from './search-backends.js';

interface WebSearchConfig {
  backend?: SearchBackend;
  apiKey?: string;
  baseUrl?: string;
  maxResults?: number;
}

/**
 * Web search through Tavily, Brave or SearXNG. The tenant's tool config may
 * pick the backend and bring its own key; the server's env is the default.
 * Answers are cached in the shared key/value store (Redis) for a short time.
 */
export function webSearchTool(
  kv: KeyValueStore,
  defaults: ToolsConfig['webSearch'],
): ToolDefinition {
  return defineTool<{ query: string; maxResults?: number }, WebSearchConfig>({
    name: 'web_search',
    service: 'the web search service',
    description:
      'Searches the web and returns the top results (title, URL, snippet). Use it for recent events or facts you are unsure of.',
    parameters: {
      type: 'object',
      additionalProperties: false,
      required: ['query'],
      properties: {
        query: { type: 'string', minLength: 1, maxLength: 400 },
        maxResults: { type: 'integer', minimum: 1, maximum: 10 },
      },
    },
    configSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        backend: { enum: ['tavily', 'brave', 'searxng'] },
        apiKey: { type: 'string', minLength: 1, maxLength: 300 },
        baseUrl: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 500 },
        maxResults: { type: 'integer', minimum: 1, maximum: 10 },
      },
    },
    timeoutMs: 15_000,
    async execute({ query, maxResults }, ctx): Promise<SearchAnswer & { cached: boolean }> {
      const backend = ctx.config.backend ?? defaults.backend;
      if (!backend) throw new Error('Web search is not configured on this server');
      const apiKey =
        ctx.config.apiKey ??
        (backend === 'tavily'
          ? defaults.tavilyApiKey
          : backend === 'brave'
            ? defaults.braveApiKey
            : null);
      const baseUrl = ctx.config.baseUrl ?? (backend === 'searxng' ? defaults.searxngUrl : null);
      const count = maxResults ?? ctx.config.maxResults ?? 3;
      const norm = query.trim().replace(/\s+/g, ' ');
      const digest = createHash('sha256')
        .update(JSON.stringify([backend, baseUrl, count, norm.toLowerCase()]))
        .digest('hex')
        .slice(0, 32);
      const cacheKey = `tool-cache:web_search:${ctx.tenantId}:${digest}`;
      const hit = await kv.get(cacheKey);
      if (hit) return { ...(JSON.parse(hit) as SearchAnswer), cached: true };
      ctx.progress(0.2, `Searching the web for “${norm}”`);
      const answer = await SEARCH_BACKENDS[backend]({ query: norm, count, apiKey, baseUrl }, ctx);
      await kv.set(cacheKey, JSON.stringify(answer), defaults.cacheTtlMs);
      return { ...answer, cached: false };
    },
  });
}
