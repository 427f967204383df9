import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { runToolCalls } from '../../src/tools/runtime/run-tool-calls.js';
import { isolateNetwork } from '../helpers/provider-fixtures.js';
import type { TestApp, TestTenant } from '../helpers/test-app.js';
import { startTestApp } from '../helpers/test-app.js';
import { toolFixture } from '../helpers/tool-fixtures.js';
import { toolRuntime } from '../../src/app-services.js';
import { collectingHooks } from '../helpers/tool-hooks.js';

let t: TestApp;
let restore: () => void;
beforeAll(async () => {
  // The server's default backend: Tavily, from its env key.
  const tools = loadConfig(
    { TAVILY_API_KEY: 'tvly-server-key' },
    { jwtSecret: 'x'.repeat(32) },
  ).tools;
  t = await startTestApp({ config: { tools } });
});
afterAll(() => t.close());
beforeEach(() => {
  restore = isolateNetwork();
});
afterEach(() => restore());

async function call(tenant: TestTenant, name: string, args: unknown, userId = 'u') {
  const set = await t.app.services.tools.forTurn((await t.app.services.tenants.get(tenant.id))!);
  const [out] = await runToolCalls(
    toolRuntime(t.app.services),
    set,
    [{ id: 'call_1', name, argsJson: JSON.stringify(args) }],
    { tenantId: tenant.id, userId, conversationId: 'c', responseId: 'r' },
    collectingHooks(),
    new AbortController().signal,
  );
  return out!;
}

describe('web_search', () => {
  it('searches Tavily with the server key and caches the answer (one request for two calls)', async () => {
    const tenant = await t.createTenant();
    const tavily = nock('https://api.tavily.com', {
      reqheaders: { authorization: 'Bearer tvly-server-key' },
    })
      .post('/search', {
        query: 'Lisbon weather forecast this week',
        search_depth: 'basic',
        max_results: 3,
        include_answer: true,
      })
      .reply(200, toolFixture('tavily-search.json') as nock.Body);
    const first = await call(tenant, 'web_search', { query: 'Lisbon weather forecast this week' });
    expect(first.status).toBe('ok');
    expect(first.result).toMatchObject({ backend: 'tavily', cached: false });
    const r = first.result as any;
    expect(r.answer).toMatch(/^Lisbon is mostly sunny/);
    expect(r.results).toHaveLength(3);
    expect(r.results[0]).toEqual({
      title: 'Lisbon - BBC Weather',
      url: 'https://www.bbc.com/weather/2267057',
      snippet: expect.stringMatching(/^14-day weather forecast for Lisbon/),
    });
    // Same question again (spacing and case aside): served from the cache.
    const second = await call(tenant, 'web_search', {
      query: '  lisbon weather  forecast this week',
    });
    expect(second.status).toBe('ok');
    expect(second.result).toMatchObject({ cached: true, results: r.results });
    expect(tavily.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('searches Brave with the tenant key and strips the highlight markup', async () => {
    const tenant = await t.createTenant();
    await t.admin('PUT', `/v1/admin/tenants/${tenant.id}/tools/web_search`, {
      config: { backend: 'brave', apiKey: 'brave-tenant-key' },
    });
    const brave = nock('https://api.search.brave.com', {
      reqheaders: { 'x-subscription-token': 'brave-tenant-key', accept: 'application/json' },
    })
      .get('/res/v1/web/search')
      .query({ q: 'Lisbon weather forecast', count: '3' })
      .reply(200, toolFixture('brave-search.json') as nock.Body);
    const out = await call(tenant, 'web_search', { query: 'Lisbon weather forecast' });
    expect(brave.isDone()).toBe(true);
    expect(out.status).toBe('ok');
    const r = out.result as any;
    expect(r.backend).toBe('brave');
    expect(r.results[0]).toEqual({
      title: 'Lisbon - BBC Weather',
      url: 'https://www.bbc.com/weather/2267057',
      snippet: '14-day weather forecast for Lisbon.',
    });
  });

  it('searches a SearXNG instance named in the tenant config', async () => {
    const tenant = await t.createTenant();
    await t.admin('PUT', `/v1/admin/tenants/${tenant.id}/tools/web_search`, {
      config: { backend: 'searxng', baseUrl: 'https://searx.example.org', maxResults: 2 },
    });
    const searx = nock('https://searx.example.org')
      .get('/search')
      .query({ q: 'lisbon weather', format: 'json' })
      .reply(200, toolFixture('searxng-search.json') as nock.Body);
    const out = await call(tenant, 'web_search', { query: 'lisbon weather' });
    expect(searx.isDone()).toBe(true);
    const r = out.result as any;
    expect(r.backend).toBe('searxng');
    expect(r.results.map((x: any) => x.url)).toEqual([
      'https://www.bbc.com/weather/2267057',
      'https://www.accuweather.com/en/pt/lisbon/274087/weather-forecast/274087',
    ]);
  });

  it('says so when SearXNG has the JSON format disabled', async () => {
    const tenant = await t.createTenant();
    await t.admin('PUT', `/v1/admin/tenants/${tenant.id}/tools/web_search`, {
      config: { backend: 'searxng', baseUrl: 'https://searx.example.org' },
    });
    nock('https://searx.example.org').get('/search').query(true).reply(403, 'Forbidden');
    const out = await call(tenant, 'web_search', { query: 'anything' });
    expect(out).toMatchObject({
      status: 'error',
      error: expect.stringMatching(/enable it in the instance settings\.yml/),
    });
  });

  it("does not serve one tenant's cached results to another", async () => {
    const [a, b] = await Promise.all([t.createTenant(), t.createTenant()]);
    const scope = nock('https://api.tavily.com')
      .post('/search')
      .times(2)
      .reply(200, toolFixture('tavily-search.json') as nock.Body);
    expect((await call(a, 'web_search', { query: 'shared question' })).result).toMatchObject({
      cached: false,
    });
    expect((await call(b, 'web_search', { query: 'shared question' })).result).toMatchObject({
      cached: false,
    });
    expect(scope.isDone()).toBe(true);
  });
});

describe('current_time', () => {
  it("uses the user's timezone from preferences, UTC otherwise", async () => {
    const tenant = await t.createTenant();
    const withPref = await tenant.session();
    const without = await tenant.session();
    await t.db
      .knex('preferences')
      .insert({ tenant_id: tenant.id, user_id: withPref.userId, timezone: 'Asia/Kolkata' });

    const kolkata = await call(tenant, 'current_time', {}, withPref.userId);
    const r = kolkata.result as any;
    expect(r).toMatchObject({
      timezone: 'Asia/Kolkata',
      timezoneSource: 'user preferences',
      utcOffset: '+05:30',
    });
    const at = new Date(r.iso);
    expect(Math.abs(at.getTime() - Date.now())).toBeLessThan(60_000);
    expect(r.local).toBe(
      new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Asia/Kolkata',
        dateStyle: 'full',
        timeStyle: 'long',
      }).format(at),
    );

    expect((await call(tenant, 'current_time', {}, without.userId)).result).toMatchObject({
      timezone: 'UTC',
      timezoneSource: 'default',
      utcOffset: '+00:00',
    });
    expect((await call(tenant, 'current_time', { timezone: 'Mars/Olympus' })).error).toMatch(
      /Unknown timezone/,
    );
  });
});
