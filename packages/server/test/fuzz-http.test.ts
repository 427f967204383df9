import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthKind } from '../src/auth/route-auth.js';
import type { AnyRoute } from '../src/http/routing/route.js';
import type { InjectedResponse } from './helpers/inject.js';
import { inject } from './helpers/inject.js';
import type { TestApp, TestTenant } from './helpers/test-app.js';
import { ADMIN_TOKEN, startTestApp } from './helpers/test-app.js';

/**
 * Fuzzing the HTTP surface in process: arbitrary JSON bodies (deep, with
 * NULs, huge numbers, any unicode, the route's own field names) to every
 * POST/PATCH/PUT route as a caller it accepts, and arbitrary paths under /v1
 * with any method. Never a 5xx; every non-2xx carries the envelope.
 * Deterministic: a fixed seed (printed), a bounded number of runs.
 */

const SEED = 20261202;
const RUNS = 300;
const HIGH = 1_000_000;

let t: TestApp;
let tenant: TestTenant;
let token = '';
let conversationId = '';
let memoryId = '';

beforeAll(async () => {
  t = await startTestApp({
    config: {
      limits: {
        rateLimits: {
          userPerMinute: HIGH,
          tenantPerMinute: HIGH,
          apiKeyPerMinute: HIGH,
          sessionsPerMinutePerIp: HIGH,
          loginPerIpPer15Min: HIGH,
          loginPerAccountPer15Min: HIGH,
        },
        quotas: { tenant: {}, user: {} },
      },
    },
  });
  tenant = await t.createTenant({ memory: { enabled: false } });
  const s = await tenant.session('fuzz');
  token = s.accessToken;
  conversationId = (await t.request('POST', '/v1/conversations', { token, body: {} })).body.id;
  const [memory] = await t.db
    .knex('memories')
    .insert({ tenant_id: tenant.id, user_id: s.userId, text: 'a fact' })
    .returning('id');
  memoryId = memory.id;
});
afterAll(() => t.close());

/** A caller each auth kind accepts, so bodies reach validation and handlers. */
function credentials(kind: AuthKind): Record<string, string> {
  const bearer = (v: string) => ({ authorization: `Bearer ${v}` });
  switch (kind) {
    case 'user':
      return bearer(token);
    case 'admin':
      return bearer(ADMIN_TOKEN);
    case 'secret-key':
    case 'api-key':
      return bearer(tenant.secretKey);
    case 'account':
      return { ...bearer(tenant.publishableKey), origin: tenant.origin };
    case 'public':
    case 'body-token':
      return {};
  }
}

function fill(route: AnyRoute): string {
  return route.path.replace(/:(\w+)/g, (_m, name: string) => {
    if (name === 'tenantId') return tenant.id;
    if (name === 'name') return 'weather';
    if (name === 'id' && route.path.startsWith('/v1/conversations')) return conversationId;
    if (name === 'id' && route.path.startsWith('/v1/memories')) return memoryId;
    return '00000000-0000-4000-8000-000000000000';
  });
}

/** Field names the route's body schema declares, so some bodies get past `unknown field`. */
function fieldsOf(route: AnyRoute): string[] {
  const props = (route.body as { properties?: Record<string, unknown> } | undefined)?.properties;
  return Object.keys(props ?? {});
}

const nastyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\u0000', 'a\u0000b', '\uFEFF', '\uD800', '𝄞'.repeat(30), ' '.repeat(5), ''),
);
const nastyNumberText = fc.constantFrom(
  '1e400',
  '-1e400',
  '18446744073709551616',
  '9007199254740993',
  '1e-400',
  '-0',
  '0.1',
  '42',
);
const value = fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' });

/** A JSON text: a structured value with nasty leaves, deep nesting, or a broken fragment. */
function bodyText(fields: string[]): fc.Arbitrary<string> {
  const key = fields.length ? fc.oneof(fc.constantFrom(...fields), nastyString) : nastyString;
  const leaf = fc.oneof(
    value.map((v) => JSON.stringify(v)),
    nastyString.map((s) => JSON.stringify(s)),
    nastyNumberText,
  );
  const object = fc
    .array(fc.tuple(key, leaf), { maxLength: 6 })
    .map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`);
  const deep = fc
    .tuple(
      fc.integer({ min: 20, max: 200 }),
      fields.length ? fc.constantFrom(...fields) : fc.constant('a'),
    )
    .map(([depth, k]) => `{${JSON.stringify(k)}:${'['.repeat(depth)}1${']'.repeat(depth)}}`);
  const broken = fc
    .tuple(object, fc.nat())
    .map(([text, cut]) => text.slice(0, cut % (text.length + 1)));
  return fc.oneof(
    { arbitrary: object, weight: 6 },
    { arbitrary: value.map((v) => JSON.stringify(v)), weight: 2 },
    { arbitrary: deep, weight: 1 },
    { arbitrary: broken, weight: 1 },
  );
}

function problem(res: InjectedResponse, method: string): string | null {
  if (res.status >= 500) return `server error ${res.status} ${res.text.slice(0, 200)}`;
  if (method !== 'HEAD' && res.status >= 400) {
    const e = res.body?.error;
    if (typeof e?.code !== 'string' || typeof e?.message !== 'string')
      return `no envelope: ${res.status} ${res.text.slice(0, 200)}`;
  }
  return null;
}

describe(`fuzz (seed ${SEED}, ${RUNS} runs per property)`, () => {
  it(
    'every POST/PATCH/PUT route survives arbitrary JSON bodies',
    { timeout: 600_000 },
    async () => {
      const handler = t.app.callback();
      const routes = t.app.routes.filter((r) => ['POST', 'PATCH', 'PUT'].includes(r.method));
      let requests = 0;
      const statuses = new Map<number, number>();
      const refusedRoutes = new Set<string>();
      for (const route of routes) {
        // A fresh session each route: the log-out routes end the previous one when a body fits.
        token = (await tenant.session('fuzz')).accessToken;
        const path = fill(route);
        await fc.assert(
          fc.asyncProperty(bodyText(fieldsOf(route)), async (body) => {
            const res = await inject(handler, {
              method: route.method,
              path,
              headers: { ...credentials(route.auth), 'content-type': 'application/json' },
              body,
            });
            requests++;
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            if (res.status === 401) refusedRoutes.add(`${route.method} ${route.path}`);
            const bad = problem(res, route.method);
            if (bad)
              throw new Error(
                `${route.method} ${route.path} ${JSON.stringify(body).slice(0, 300)}: ${bad}`,
              );
          }),
          { seed: SEED, numRuns: RUNS },
        );
      }
      console.log(
        `[fuzz bodies] seed ${SEED}: ${routes.length} routes × ${RUNS} runs = ${requests} requests; statuses ${JSON.stringify(Object.fromEntries(statuses))}; 401 from ${[...refusedRoutes].join(', ')}`,
      );
      expect(requests).toBe(routes.length * RUNS);
    },
  );

  it(
    'arbitrary paths under /v1, with any method, are never a 5xx',
    { timeout: 600_000 },
    async () => {
      const handler = t.app.callback();
      const segment = fc.oneof(
        fc.constantFrom(
          'v1',
          'conversations',
          'memories',
          'admin',
          'tenants',
          'me',
          conversationId,
          '..',
          '.',
          '',
          '%2e',
          '%2F',
          '%00',
          ';x=1',
          'ME',
        ),
        fc
          .string({ unit: 'binary', maxLength: 12 })
          .map((s) => encodeURI(s.replace(/[\uD800-\uDFFF]/g, ''))),
        fc.string({ maxLength: 12 }),
      );
      const path = fc.array(segment, { maxLength: 6 }).map((segs) => `/v1/${segs.join('/')}`);
      const method = fc.constantFrom(
        'GET',
        'HEAD',
        'POST',
        'PUT',
        'PATCH',
        'DELETE',
        'OPTIONS',
        'TRACE',
        'PROPFIND',
        'X-FUZZ',
      );
      let requests = 0;
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(path, method, fc.boolean(), async (p, m, withToken) => {
          const headers: Record<string, string> = withToken
            ? { authorization: `Bearer ${token}` }
            : {};
          const res = await inject(handler, { method: m, path: p, headers });
          requests++;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const bad = problem(res, m);
          if (bad) throw new Error(`${m} ${JSON.stringify(p)}: ${bad}`);
        }),
        { seed: SEED, numRuns: RUNS },
      );
      console.log(
        `[fuzz paths] seed ${SEED}: ${requests} requests; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
      );
      expect(requests).toBe(RUNS);
    },
  );
});
