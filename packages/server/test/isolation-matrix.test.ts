import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthKind } from '../src/auth/route-auth.js';
import { isCanonicalPath } from '../src/http/routing/canonical-path.js';
import type { AnyRoute as RouteInfo } from '../src/http/routing/route.js';
import { paramNames, uuidSchema } from '../src/http/routing/route.js';
import { check } from '../src/http/validate.js';
import { dataTables, snapshotAll, snapshotOwned } from './helpers/db-snapshot.js';
import {
  algNoneToken,
  expiredToken,
  resignedToken,
  tamperedToken,
} from './helpers/forged-tokens.js';
import { inject } from './helpers/inject.js';
import { pathVariants } from './helpers/path-variants.js';
import type { TestApp, TestResponse, TestTenant } from './helpers/test-app.js';
import { ADMIN_TOKEN, startTestApp } from './helpers/test-app.js';

/**
 * The isolation matrix: every route of the live app (its route table, the
 * one list the router is built from, so a new route cannot escape) called as
 * every kind of wrong caller. Each route declares how it authenticates
 * (AuthKind); the app does not start with a route that declares none.
 */

const IDENTITIES = [
  'none',
  'other-tenant-user',
  'same-tenant-other-user',
  'publishable-key',
  'publishable-key-foreign-origin',
  'secret-key',
  'expired-token',
  'tampered-token',
  'alg-none-token',
  'resigned-token',
] as const;
type Identity = (typeof IDENTITIES)[number];

/** `self`: a legitimate call about the caller's own data; it must not touch or reveal the victim's. */
type Expect = number | 'self';
const TOKEN_FORGERIES: Identity[] = [
  'expired-token',
  'tampered-token',
  'alg-none-token',
  'resigned-token',
];

function expectation(kind: AuthKind, who: Identity, hasVictimParam: boolean): Expect {
  if (who === 'none') return kind === 'public' ? 'self' : kind === 'body-token' ? 400 : 401;
  if (
    who === 'publishable-key-foreign-origin' &&
    ['api-key', 'secret-key', 'account'].includes(kind)
  )
    return 403;
  switch (kind) {
    case 'public':
      return 'self';
    case 'admin':
      return 401;
    case 'user':
      if (who === 'other-tenant-user' || who === 'same-tenant-other-user')
        return hasVictimParam ? 404 : 'self';
      return 401;
    case 'api-key':
      return who === 'publishable-key' || who === 'secret-key' ? 'self' : 401;
    case 'secret-key':
      if (who === 'publishable-key') return 403;
      return who === 'secret-key' ? 'self' : 401;
    case 'body-token':
      // The credential is the (forged) body; any Authorization is irrelevant or refused.
      return 401;
    case 'account':
      if (who === 'secret-key') return 403;
      return TOKEN_FORGERIES.includes(who) ? 401 : 'self';
  }
}

let t: TestApp;
let victimTenant: TestTenant;
let otherTenant: TestTenant;
const victim = {
  userId: '',
  token: '',
  refreshToken: '',
  conversationId: '',
  memoryId: '',
  email: 'victim@example.com',
};
const MARKER = 'VICTIM-PRIVATE-7c1f';
let sameTenantUser = { userId: '', token: '' };
let tables: string[] = [];
let forgedIdentityToken = '';

const HIGH = 1_000_000;

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
  victimTenant = await t.createTenant({ memory: { enabled: false } });
  otherTenant = await t.createTenant({ memory: { enabled: false } });

  const s = await t.request('POST', '/v1/sessions', {
    token: victimTenant.secretKey,
    body: { externalUserId: 'victim', email: victim.email, name: 'Victim' },
  });
  Object.assign(victim, {
    userId: s.body.user.id,
    token: s.body.accessToken,
    refreshToken: s.body.refreshToken,
  });
  const conv = await t.request('POST', '/v1/conversations', {
    token: victim.token,
    body: { title: MARKER },
  });
  victim.conversationId = conv.body.id;
  const turn = await t.request('POST', `/v1/conversations/${conv.body.id}/messages`, {
    token: victim.token,
    body: { content: `my secret is ${MARKER}` },
  });
  expect(turn.status).toBe(201);
  const [memory] = await t.db
    .knex('memories')
    .insert({
      tenant_id: victimTenant.id,
      user_id: victim.userId,
      text: `Victim's private fact ${MARKER}`,
    })
    .returning('id');
  victim.memoryId = memory.id;
  const other = await victimTenant.session('same-tenant-other');
  sameTenantUser = { userId: other.userId, token: other.accessToken };

  // An identity token for the victim's tenant, signed with the wrong secret.
  const secret = await t.admin('POST', `/v1/admin/tenants/${victimTenant.id}/identity-secret`, {});
  forgedIdentityToken = jwt.sign(
    { sub: 'victim', exp: Math.floor(Date.now() / 1000) + 60 },
    'not-the-tenant-secret-0123456789abcdef',
    { algorithm: 'HS256', keyid: secret.body.id },
  );
  await t.app.services.infra.queue.drain();
  tables = await dataTables(t.db.knex);
});
afterAll(() => t.close());

/** An id of the right shape that names nothing (a malformed one is a 404 before auth). */
const SOME_ID = '00000000-0000-4000-8000-000000000000';

/** Victim resources for path parameters; a user route with an unknown one fails. */
function fillPath(route: RouteInfo): { path: string; victimParam: boolean } {
  let victimParam = false;
  const path = route.path.replace(/:(\w+)/g, (_m, name: string) => {
    const resource = route.path.split('/')[2];
    const value =
      name === 'tenantId'
        ? victimTenant.id
        : name === 'userId'
          ? victim.userId
          : name === 'id' && (resource === 'conversations' || resource === 'ai-sdk')
            ? victim.conversationId
            : name === 'id' && resource === 'memories'
              ? victim.memoryId
              : null;
    if (value === null && route.auth === 'user') {
      throw new Error(
        `isolation matrix: no victim fixture for :${name} in ${route.method} ${route.path}; add one`,
      );
    }
    victimParam = true;
    return value ?? SOME_ID;
  });
  return { path, victimParam };
}

/** Bodies valid enough to reach the ownership check (else a 400 would hide a leak). */
const BODIES: Record<string, unknown> = {
  'POST /v1/conversations': { title: 'mine' },
  'PATCH /v1/conversations/:id': { title: 'stolen' },
  'POST /v1/conversations/:id/messages': { content: 'hello' },
  'PATCH /v1/memories/:id': { text: 'overwritten' },
  'POST /v1/conversations/:id/tool-approvals': { toolCallId: 'call_1', approved: true },
  'POST /v1/conversations/:id/tool-results': { toolCallId: 'call_1', result: 'x' },
  'POST /v1/sessions/refresh': { refreshToken: 'rt_forged-refresh-token-0123456789' },
  'POST /v1/accounts/signup': { email: 'newcomer@example.com', password: 'long-enough-pass' },
  'POST /v1/accounts/login': { email: 'victim@example.com', password: 'wrong-password!' },
  'POST /v1/ai-sdk/chat': {
    id: 'isolation-chat',
    messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'hello' }] }],
  },
};
const bodyFor = (r: RouteInfo): unknown =>
  r.path === '/v1/sessions/identify'
    ? { identityToken: forgedIdentityToken }
    : (BODIES[`${r.method} ${r.path}`] ?? (['GET', 'DELETE'].includes(r.method) ? undefined : {}));

async function credentialsFor(who: Identity): Promise<Record<string, string>> {
  const bearer = (tok: string) => ({ authorization: `Bearer ${tok}` });
  switch (who) {
    case 'none':
      return {};
    case 'other-tenant-user':
      return bearer((await otherTenant.session('attacker')).accessToken);
    case 'same-tenant-other-user':
      return bearer((await victimTenant.session('same-tenant-other')).accessToken);
    case 'publishable-key':
      return { ...bearer(victimTenant.publishableKey), origin: victimTenant.origin };
    case 'publishable-key-foreign-origin':
      return { ...bearer(victimTenant.publishableKey), origin: 'https://attacker.example' };
    case 'secret-key':
      return bearer(victimTenant.secretKey);
    case 'expired-token':
      return bearer(expiredToken(victim.token));
    case 'tampered-token':
      return bearer(tamperedToken(victim.token, sameTenantUser.userId));
    case 'alg-none-token':
      return bearer(algNoneToken(victim.token));
    case 'resigned-token':
      return bearer(resignedToken(victim.token));
  }
}

function leaks(res: Pick<TestResponse, 'text'>): string[] {
  return [MARKER, victim.userId, victim.conversationId, victim.memoryId, victim.email].filter(
    (secret) => res.text.includes(secret),
  );
}

describe('isolation matrix', () => {
  it('every route declares exactly one auth kind', () => {
    const routes = t.app.routes;
    expect(routes.length).toBeGreaterThan(20);
    const kinds: AuthKind[] = [
      'public',
      'user',
      'admin',
      'secret-key',
      'api-key',
      'body-token',
      'account',
    ];
    const undeclared = routes.filter((r) => !kinds.includes(r.auth));
    expect(
      undeclared.map((r) => `${r.method} ${r.path} → ${String(r.auth)}`),
      'routes without a known auth kind (declare `auth` in defineRoute)',
    ).toEqual([]);
  });

  it(
    'refuses every wrong caller on every route and changes nothing',
    { timeout: 600_000 },
    async () => {
      const routes = t.app.routes;
      const failures: string[] = [];
      let denied = 0;
      let self = 0;
      for (const route of routes) {
        const kind = route.auth;
        const { path, victimParam } = fillPath(route);
        for (const who of IDENTITIES) {
          const expected = expectation(kind, who, victimParam);
          const headers = await credentialsFor(who);
          const cell = `${route.method} ${route.path} as ${who}`;
          const body = bodyFor(route);
          if (expected === 'self') {
            const before = await snapshotOwned(t.db.knex, tables, {
              tenantId: victimTenant.id,
              userId: victim.userId,
            });
            const res = await t.request(route.method, path, { headers, body });
            const after = await snapshotOwned(t.db.knex, tables, {
              tenantId: victimTenant.id,
              userId: victim.userId,
            });
            self++;
            if (res.status >= 500)
              failures.push(`${cell}: ${res.status} ${res.text.slice(0, 200)}`);
            const leaked = leaks(res);
            // Public pages and the caller's own session never include another user's data.
            if (leaked.length) failures.push(`${cell}: response contains ${leaked.join(', ')}`);
            if (JSON.stringify(before) !== JSON.stringify(after))
              failures.push(`${cell}: the victim's rows changed`);
            continue;
          }
          const before = await snapshotAll(t.db.knex, tables);
          const res = await t.request(route.method, path, { headers, body });
          const after = await snapshotAll(t.db.knex, tables);
          denied++;
          const okStatus =
            res.status === expected ||
            // A body credential may fail validation (400) or verification (401).
            (kind === 'body-token' && [400, 401].includes(res.status));
          if (!okStatus)
            failures.push(
              `${cell}: expected ${expected}, got ${res.status} ${res.text.slice(0, 200)}`,
            );
          if (res.body?.error?.code === undefined)
            failures.push(`${cell}: no error envelope (${res.text.slice(0, 100)})`);
          if (leaks(res).length)
            failures.push(`${cell}: error response leaks ${leaks(res).join(', ')}`);
          const changed = tables.filter((tb) => before[tb] !== after[tb]);
          if (changed.length) failures.push(`${cell}: database changed (${changed.join(', ')})`);
        }
      }
      console.log(
        `[isolation matrix] ${routes.length} routes × ${IDENTITIES.length} identities = ${
          routes.length * IDENTITIES.length
        } cells: ${denied} refused, ${self} legitimate self-calls; ${failures.length} failures`,
      );
      expect(failures).toEqual([]);
    },
  );

  it('lets the owner through on the same requests, so the refusals above are meaningful', async () => {
    const routes = t.app.routes.filter((r) => r.auth === 'user');
    // Deleting and logging out last: they would spoil the fixtures of the other calls.
    const last = (r: RouteInfo) => r.method === 'DELETE' || r.path.includes('logout');
    const ordered = [...routes.filter((r) => !last(r)), ...routes.filter(last)];
    const statuses: string[] = [];
    for (const route of ordered) {
      const { path } = fillPath(route);
      const own = await victimTenant.session('victim');
      const res = await t.request(route.method, path, {
        token: own.accessToken,
        body: bodyFor(route),
      });
      statuses.push(`${route.method} ${route.path} → ${res.status}`);
      expect(res.status, `${route.method} ${route.path}: ${res.text.slice(0, 200)}`).toBeLessThan(
        500,
      );
      expect([401, 403]).not.toContain(res.status);
      // The resources the matrix aimed at really exist for their owner.
      if (/^\/v1\/(conversations|memories)\/:id$/.test(route.path) || route.path === '/v1/me') {
        expect(res.status, `${route.method} ${route.path}`).toBeLessThan(300);
      }
    }
    const admin = await t.request('GET', `/v1/admin/tenants/${victimTenant.id}/users`, {
      token: ADMIN_TOKEN,
    });
    expect(admin.status).toBe(200);
    console.log(`[isolation matrix] owner controls: ${statuses.join('; ')}`);
  });
});

/** Every method, the ones no route declares included (and one no HTTP parser knows). */
const METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'TRACE',
  'PROPFIND',
  'PARLEYX',
];
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

describe('isolation matrix: every spelling of every path, with every method', () => {
  it(
    'serves no path but the canonical one, answers undeclared methods with 405, and changes nothing',
    { timeout: 300_000 },
    async () => {
      const handler = t.app.callback();
      const creds = new Map<Identity, Record<string, string>>();
      for (const who of IDENTITIES) creds.set(who, await credentialsFor(who));
      // One entry per distinct filled path of the table (the victim's ids in it).
      const paths = new Map<string, boolean>();
      for (const route of t.app.routes) {
        const { path, victimParam } = fillPath(route);
        paths.set(path, victimParam);
      }
      const counts = { refused: 0, notFound: 0, notAllowed: 0, legit: 0, options: 0, skipped: 0 };
      const failures: string[] = [];
      const before = await snapshotAll(t.db.knex, tables);
      let requests = 0;
      let spellingCount = 0;
      for (const [filled, victimParam] of paths) {
        const spellings = [filled, ...pathVariants(filled)];
        spellingCount += spellings.length;
        for (const spelling of spellings) {
          // One spelling at a time (100 calls at most in flight): enough to be quick, not a load test.
          const calls: Promise<void>[] = [];
          // A variant can be another canonical path: `/tools/HTTP` names a tool called HTTP.
          const routes = routesServing(t.app.routes, spelling);
          const canonical = routes.length > 0;
          const declared = (m: string) =>
            routes.find((r) => r.method === m) ??
            (m === 'HEAD' ? routes.find((r) => r.method === 'GET') : undefined);
          const allowed = [
            ...new Set(routes.flatMap((r) => (r.method === 'GET' ? ['GET', 'HEAD'] : [r.method]))),
          ];
          for (const method of METHODS) {
            const route = declared(method);
            const skip =
              route &&
              method !== 'HEAD' &&
              // The filled path with a declared method is the matrix above (bodies, snapshots);
              // another canonical path is only called where it must be refused.
              (spelling === filled ||
                IDENTITIES.some((who) => expectation(route.auth, who, victimParam) === 'self'));
            if (skip) {
              counts.skipped += IDENTITIES.length;
              continue;
            }
            for (const who of IDENTITIES) {
              const expected = route ? expectation(route.auth, who, victimParam) : undefined;
              calls.push(
                (async () => {
                  const headers: Record<string, string> = { ...creds.get(who) };
                  let body: string | undefined;
                  if (BODY_METHODS.has(method)) {
                    headers['content-type'] = 'application/json';
                    body = '{}';
                  }
                  const res = await inject(handler, { method, path: spelling, headers, body });
                  requests++;
                  const cell = `${method} ${spelling} as ${who}`;
                  const declaredStatuses = Object.keys(route?.responses ?? {}).map(Number);
                  const problem = judge(res, {
                    canonical,
                    method,
                    expected,
                    allowed,
                    declaredStatuses,
                  });
                  if (problem) failures.push(`${cell}: ${problem}`);
                  else if (res.status === 404) counts.notFound++;
                  else if (res.status === 405) counts.notAllowed++;
                  else if (method === 'OPTIONS') counts.options++;
                  else if (res.status < 300 || expected === 'self') counts.legit++;
                  else counts.refused++;
                  // Error messages name the path asked for: an id the caller sent is no leak.
                  const leaked = leaks(res).filter((x) => !spelling.includes(x));
                  if (leaked.length) failures.push(`${cell}: response leaks ${leaked.join(', ')}`);
                })(),
              );
            }
          }
          await Promise.all(calls);
        }
      }
      const after = await snapshotAll(t.db.knex, tables);
      const changed = tables.filter((tb) => before[tb] !== after[tb]);
      if (changed.length) failures.push(`database changed (${changed.join(', ')})`);
      const spellings = spellingCount;
      console.log(
        `[isolation matrix: spellings] ${paths.size} paths, ${spellings} spellings × ${METHODS.length} methods × ${IDENTITIES.length} identities = ${spellings * METHODS.length * IDENTITIES.length} cells; ${requests} requests sent (${counts.skipped} canonical cells with a declared method left to the matrix above): ${counts.notFound} 404, ${counts.notAllowed} 405, ${counts.refused} refused as the canonical route, ${counts.legit} legitimate HEAD, ${counts.options} OPTIONS 204; ${failures.length} failures`,
      );
      expect(failures.slice(0, 50)).toEqual([]);
    },
  );
});

/**
 * What one call of the sweep may answer, or why it may not. A spelling other
 * than the canonical one is never served: 404 (or the refusal the canonical
 * path would give, or 405), never 2xx or 5xx. On the canonical path a method
 * no route declares is a 405 with `Allow`, OPTIONS a 204 with `Allow`, HEAD
 * refused exactly like GET.
 */
function judge(
  res: Awaited<ReturnType<typeof inject>>,
  c: {
    canonical: boolean;
    method: string;
    expected: Expect | undefined;
    allowed: string[];
    /** What the route says it may answer (`/readyz`: 503 when a probe is slow). */
    declaredStatuses: number[];
  },
): string | null {
  const got = `${res.status} ${res.text.slice(0, 120)}`;
  const legit = c.expected === 'self' && c.declaredStatuses.includes(res.status);
  if (res.status >= 500 && !legit) return `server error ${got}`;
  if (c.method !== 'HEAD' && res.status >= 400 && typeof res.body?.error?.code !== 'string')
    return `no error envelope: ${got}`;
  if (!c.canonical) {
    const refusal = typeof c.expected === 'number' ? [c.expected] : [];
    return [404, 405, ...refusal].includes(res.status)
      ? null
      : `non-canonical path answered ${got}`;
  }
  if (c.method === 'OPTIONS') {
    const allow = String(res.headers.allow ?? '')
      .split(', ')
      .sort();
    return res.status === 204 && allow.join() === [...c.allowed].sort().join()
      ? null
      : `OPTIONS: expected 204 with Allow ${c.allowed.join(', ')}, got ${got} (Allow: ${allow.join(', ')})`;
  }
  if (c.expected === undefined) {
    return res.status === 405 && res.headers.allow ? null : `expected 405 with Allow, got ${got}`;
  }
  if (c.expected === 'self')
    return [401, 403].includes(res.status) ? `owner refused: ${got}` : null;
  return res.status === c.expected ? null : `expected ${c.expected} like GET, got ${got}`;
}

/** The routes that serve this exact path: its pattern matches and its ids fit their schemas. */
function routesServing(routes: readonly RouteInfo[], path: string): RouteInfo[] {
  if (!isCanonicalPath(path)) return [];
  return routes.filter((route) => {
    const names = paramNames(route.path);
    const pattern = route.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '([^/]+)');
    const m = new RegExp(`^${pattern}$`).exec(path);
    return (
      m !== null &&
      names.every((name, i) => check(route.params?.[name] ?? uuidSchema, m[i + 1]).length === 0)
    );
  });
}
