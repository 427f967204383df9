import type { ToolContext } from '../define-tool.js';
import { jsonOrThrow } from './http-json.js';

export interface SearchResult {
  title: string;
  url: string;
  snippet: string;
}

export interface SearchAnswer {
  backend: SearchBackend;
  query: string;
  /** A summary some backends write (Tavily's `answer`). */
  answer: string | null;
  results: SearchResult[];
}

export type SearchBackend = 'tavily' | 'brave' | 'searxng';

export interface SearchRequest {
  query: string;
  count: number;
  apiKey: string | null;
  baseUrl: string | null;
}

const stripTags = (s: string): string => s.replace(/<[^>]*>/g, '');

/** Tavily: POST with a bearer key; asks for a written answer too. */
async function tavily(req: SearchRequest, ctx: ToolContext<unknown>): Promise<SearchAnswer> {
  if (!req.apiKey) throw new Error('Tavily needs an API key (TAVILY_API_KEY)');
  const res = await ctx.fetch(`${req.baseUrl ?? 'https://api.tavily.com'}/search`, {
    method: 'POST',
    headers: { authorization: `Bearer ${req.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      query: req.query,
      search_depth: 'basic',
      max_results: req.count,
      include_answer: true,
    }),
    signal: ctx.signal,
  });
  const body = await jsonOrThrow(res, 'Tavily');
  return {
    backend: 'tavily',
    query: req.query,
    answer: typeof body.answer === 'string' ? body.answer : null,
    results: (body.results ?? []).slice(0, req.count).map((r: Record<string, string>) => ({
      title: r.title ?? '',
      url: r.url ?? '',
      snippet: r.content ?? '',
    })),
  };
}

/** Brave Search web results; descriptions carry <strong> highlights we drop. */
async function brave(req: SearchRequest, ctx: ToolContext<unknown>): Promise<SearchAnswer> {
  if (!req.apiKey) throw new Error('Brave Search needs an API key (BRAVE_SEARCH_API_KEY)');
  const url = new URL(`${req.baseUrl ?? 'https://api.search.brave.com'}/res/v1/web/search`);
  url.search = new URLSearchParams({ q: req.query, count: String(req.count) }).toString();
  const res = await ctx.fetch(url, {
    headers: { 'x-subscription-token': req.apiKey, accept: 'application/json' },
    signal: ctx.signal,
  });
  const body = await jsonOrThrow(res, 'Brave Search');
  return {
    backend: 'brave',
    query: req.query,
    answer: null,
    results: (body.web?.results ?? []).slice(0, req.count).map((r: Record<string, string>) => ({
      title: stripTags(r.title ?? ''),
      url: r.url ?? '',
      snippet: stripTags(r.description ?? ''),
    })),
  };
}

/** A SearXNG instance with the JSON format enabled (otherwise it answers 403). */
async function searxng(req: SearchRequest, ctx: ToolContext<unknown>): Promise<SearchAnswer> {
  if (!req.baseUrl) throw new Error('SearXNG needs the instance URL (SEARXNG_URL)');
  const url = new URL('search', req.baseUrl.endsWith('/') ? req.baseUrl : `${req.baseUrl}/`);
  url.search = new URLSearchParams({ q: req.query, format: 'json' }).toString();
  const res = await ctx.fetch(url, { headers: { accept: 'application/json' }, signal: ctx.signal });
  if (res.status === 403) {
    await res.body?.cancel();
    throw new Error('SearXNG refused the JSON format: enable it in the instance settings.yml');
  }
  const body = await jsonOrThrow(res, 'SearXNG');
  return {
    backend: 'searxng',
    query: req.query,
    answer: null,
    results: (body.results ?? []).slice(0, req.count).map((r: Record<string, string>) => ({
      title: r.title ?? '',
      url: r.url ?? '',
      snippet: r.content ?? '',
    })),
  };
}

export const SEARCH_BACKENDS: Record<
  SearchBackend,
  (req: SearchRequest, ctx: ToolContext<unknown>) => Promise<SearchAnswer>
> = { tavily, brave, searxng };
