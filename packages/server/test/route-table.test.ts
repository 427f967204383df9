import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyRoute } from '../src/http/routing/route.js';
import { routeKey } from '../src/http/routing/route.js';
import { errorEnvelope } from '../src/http/schemas/common.js';
import { check } from '../src/http/validate.js';
import type { TestApp, TestResponse, TestTenant } from './helpers/test-app.js';
import { ADMIN_TOKEN, startTestApp } from './helpers/test-app.js';

/**
 * The route table is the API's contract: the OpenAPI document and clients
 * are generated from it. Every route documents a success response with a
 * schema and an example that fits it, and what the live server answers
 * fits what the table declares.
 */

let t: TestApp;
let tenant: TestTenant;
beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.createTenant();
});
afterAll(() => t.close());

const hasBody = (status: number) => ![101, 204, 304].includes(status);

describe('every route in the table', () => {
  it('has a summary, tags and a documented success response with a schema and an example', () => {
    const problems: string[] = [];
    for (const route of t.app.routes) {
      const key = routeKey(route);
      if (!route.summary || route.tags.length === 0) problems.push(`${key}: summary or tags`);
      // 4xx always; a 5xx may document its own body (the readiness probe's).
      const success = Object.keys(route.responses)
        .map(Number)
        .filter((s) => s < 300);
      if (success.length === 0) problems.push(`${key}: no 1xx/2xx response`);
      for (const status of success.filter(hasBody)) {
        const r = route.responses[status]!;
        if (!r.schema) problems.push(`${key} ${status}: no schema`);
        if (r.example === undefined) problems.push(`${key} ${status}: no example`);
        else if (r.schema && (r.contentType ?? 'application/json') === 'application/json') {
          const issues = check(r.schema, r.example);
          if (issues.length) problems.push(`${key} ${status}: example ${JSON.stringify(issues)}`);
        }
      }
      for (const [status, r] of Object.entries(route.responses)) {
        if (Number(status) >= 400 && Number(status) < 500 && r.schema !== errorEnvelope)
          problems.push(`${key} ${status}: errors use the error envelope`);
      }
    }
    expect(problems).toEqual([]);
  });
});

/** The route a concrete request reached: literal segments win over parameters. */
function routeFor(method: string, path: string): AnyRoute | undefined {
  const candidates = t.app.routes.filter(
    (r) =>
      r.method === method &&
      new RegExp(`^${r.path.replace(/:\w+/g, '[^/]+')}$`).test(path.split('?')[0]!),
  );
  return candidates.sort((a, b) => a.path.split(':').length - b.path.split(':').length)[0];
}

const mismatches: string[] = [];
/** Calls the API and records any answer the table does not declare, or that breaks its schema. */
async function call(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<TestResponse> {
  const res = await t.request(method, path, opts);
  const route = routeFor(method, path);
  const declared = route?.responses[res.status];
  if (!route) mismatches.push(`${method} ${path}: no route`);
  else if (!declared) mismatches.push(`${routeKey(route)}: undeclared status ${res.status}`);
  else if (declared.schema && hasBody(res.status)) {
    const issues = check(declared.schema, res.body);
    if (issues.length)
      mismatches.push(`${routeKey(route)} ${res.status}: ${JSON.stringify(issues).slice(0, 300)}`);
  }
  return res;
}

describe('what the server answers fits the table', () => {
  it('for the operator, the end user and the public routes', async () => {
    const admin = { token: ADMIN_TOKEN };
    await call('GET', '/healthz');
    await call('GET', '/readyz');
    await call('GET', '/');

    const created = await call('POST', '/v1/admin/tenants', {
      ...admin,
      body: { name: 'Contract', settings: { persona: 'Be brief.' } },
    });
    const base = `/v1/admin/tenants/${created.body.id}`;
    await call('GET', '/v1/admin/tenants?limit=2', admin);
    await call('GET', base, admin);
    await call('PATCH', base, {
      ...admin,
      body: { settings: { rateLimits: { userPerMinute: 100 } } },
    });
    await call('PUT', `${base}/settings`, { ...admin, body: { persona: 'Be kind.' } });
    await call('POST', `${base}/keys`, { ...admin, body: { type: 'publishable' } });
    const key = await call('POST', `${base}/keys`, { ...admin, body: { type: 'secret' } });
    await call('GET', `${base}/keys`, admin);
    await call('DELETE', `${base}/keys/${key.body.id}`, admin);
    await call('POST', `${base}/identity-secret`, { ...admin, body: {} });
    await call('GET', `${base}/identity-secret`, admin);
    await call('GET', `${base}/tools`, admin);
    await call('GET', `${base}/tools/calculator`, admin);
    await call('PUT', `${base}/tools/calculator`, { ...admin, body: { needsApproval: true } });
    const tool = {
      name: 'order_status',
      description: 'Order status',
      url: 'https://api.example.com/order',
      parameters: { type: 'object', properties: { id: { type: 'string' } } },
    };
    await call('POST', `${base}/tools/http`, { ...admin, body: tool });
    await call('POST', `${base}/tools/http`, { ...admin, body: tool });
    await call('POST', `${base}/tools/order_status/rotate-secret`, admin);
    await call('DELETE', `${base}/tools/order_status`, admin);
    await call('GET', `${base}/tools/nothing`, admin);

    const session = await call('POST', '/v1/sessions', {
      token: tenant.secretKey,
      body: { externalUserId: 'contract', email: 'contract@example.com', traits: { plan: 'pro' } },
    });
    const user = { token: session.body.accessToken as string };
    await call('POST', '/v1/sessions', {
      token: tenant.publishableKey,
      headers: { origin: tenant.origin },
      body: {},
    });
    await call('GET', '/v1/me', user);
    const conv = await call('POST', '/v1/conversations', { ...user, body: { title: 'Hi' } });
    await call('GET', '/v1/conversations', user);
    await call('GET', `/v1/conversations/${conv.body.id}`, user);
    await call('PATCH', `/v1/conversations/${conv.body.id}`, {
      ...user,
      body: { title: 'Renamed' },
    });
    await call('GET', `/v1/conversations/${conv.body.id}/messages`, user);
    await call('GET', `/v1/conversations/${conv.body.id}/pending-approvals`, user);
    await call('POST', `/v1/conversations/${conv.body.id}/tool-approvals`, {
      ...user,
      body: { toolCallId: 'call_1', approved: true },
    });
    const [memory] = await t.db
      .knex('memories')
      .insert({ tenant_id: tenant.id, user_id: session.body.user.id, text: 'Lives in Lisbon' })
      .returning('id');
    await call('GET', '/v1/memories', user);
    await call('GET', '/v1/memories?q=Lisbon', user);
    await call('PATCH', `/v1/memories/${memory.id}`, { ...user, body: { importance: 0.9 } });
    await call('GET', '/v1/me/export', user);
    await call('DELETE', `/v1/memories/${memory.id}`, user);
    await call('DELETE', '/v1/memories', user);
    await call('DELETE', `/v1/conversations/${conv.body.id}`, user);
    await call('GET', '/v1/conversations?cursor=garbage', user);
    await call('POST', '/v1/sessions/refresh', {
      body: { refreshToken: session.body.refreshToken },
    });

    const users = `/v1/admin/tenants/${tenant.id}/users`;
    await call('GET', `${users}?email=contract@example.com`, admin);
    await call('POST', `${users}/${session.body.user.id}/revoke-sessions`, admin);
    await call('DELETE', `${users}/${session.body.user.id}`, admin);
    await call('DELETE', `${users}/${session.body.user.id}`, admin);
    await call('GET', '/v1/me', user);

    expect(mismatches).toEqual([]);
  });
});

describe('GET /v1/ws without an upgrade', () => {
  it('is refused without credentials, and answers 426 with the envelope to a signed-in user', async () => {
    mismatches.length = 0;
    expect((await call('GET', '/v1/ws')).status).toBe(401);
    const s = await tenant.session('ws-user');
    const res = await call('GET', '/v1/ws', { token: s.accessToken });
    expect(res.status).toBe(426);
    expect(res.body.error.code).toBe('upgrade_required');
    expect(res.headers.get('upgrade')).toBe('websocket');
    expect(mismatches).toEqual([]);
  });
});

describe('the hole of issue 10', () => {
  it('a case variant of an admin path is a 404 without credentials, and changes nothing', async () => {
    const before = await t.db.knex('tenants').count({ n: '*' }).first();
    for (const [method, path] of [
      ['GET', '/V1/admin/tenants'],
      ['GET', `/v1/admin/Tenants/${tenant.id}`],
      ['POST', '/v1/admin/TENANTS'],
      ['PATCH', `/V1/admin/tenants/${tenant.id}`],
      ['GET', '/v1/Conversations'],
    ] as const) {
      const res = await t.request(method, path, {
        body: method === 'GET' ? undefined : { name: 'x' },
      });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect(await t.db.knex('tenants').count({ n: '*' }).first()).toEqual(before);
  });
});
