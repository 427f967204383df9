import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp, TestTenant } from './helpers/test-app.js';
import { JWT_SECRET, startTestApp } from './helpers/test-app.js';

let t: TestApp;
let tenant: TestTenant;
let token: string;
let conversationId: string;

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of [
    'tenants',
    'api_keys',
    'users',
    'sessions',
    'conversations',
    'messages',
    'usage',
  ]) {
    const rows = await t.db.knex(table).count({ n: '*' });
    out[table] = Number(rows[0]?.n);
  }
  return out;
}

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.createTenant();
  token = (await tenant.session('alice')).accessToken;
  conversationId = (await t.request('POST', '/v1/conversations', { token, body: {} })).body.id;
});
afterAll(() => t.close());

function expectEnvelope(
  res: { status: number; body: { error: { code: string; message: string; requestId: string } } },
  status: number,
  code: string,
) {
  expect(res.status).toBe(status);
  expect(res.body.error.code).toBe(code);
  expect(res.body.error.message).toEqual(expect.any(String));
  expect(res.body.error.requestId).toEqual(expect.any(String));
}

describe('bad input is refused with a clear 4xx and nothing is stored', () => {
  const send = (body: unknown, headers: Record<string, string> = {}) =>
    t.request('POST', `/v1/conversations/${conversationId}/messages`, { token, body, headers });

  it('malformed JSON', async () => {
    const before = await counts();
    const res = await send('{"content": "hi"');
    expectEnvelope(res, 400, 'invalid_request');
    expect(res.body.error.details.reason).toBe('malformed_json');
    expect(await counts()).toEqual(before);
  });

  it('wrong types and unknown fields, with every problem listed', async () => {
    const before = await counts();
    const res = await send({ content: 42, colour: 'blue' });
    expectEnvelope(res, 400, 'invalid_request');
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toContain('/content');
    expect(paths).toContain('/colour');
    expect(await counts()).toEqual(before);
  });

  it('empty and whitespace-only content', async () => {
    expectEnvelope(await send({ content: '' }), 400, 'invalid_request');
    expectEnvelope(await send({ content: '   \n ' }), 400, 'invalid_request');
  });

  it('oversize body', async () => {
    const before = await counts();
    const res = await send({ content: 'x'.repeat(300 * 1024) });
    expectEnvelope(res, 413, 'payload_too_large');
    expect(res.body.error.details.reason).toBe('body_too_large');
    expect(await counts()).toEqual(before);
  });

  it('a non-JSON content type', async () => {
    const res = await send('content=hi', { 'content-type': 'application/x-www-form-urlencoded' });
    expectEnvelope(res, 415, 'unsupported_media_type');
  });

  it('bad query parameters', async () => {
    expectEnvelope(
      await t.request('GET', '/v1/conversations?limit=5000', { token }),
      400,
      'invalid_request',
    );
    expectEnvelope(
      await t.request('GET', '/v1/conversations?cursor=garbage', { token }),
      400,
      'invalid_request',
    );
  });

  it('unknown routes and methods', async () => {
    expectEnvelope(await t.request('GET', '/v1/nothing-here', { token }), 404, 'not_found');
    expectEnvelope(
      await t.request('PUT', '/v1/conversations', { token, body: {} }),
      405,
      'method_not_allowed',
    );
  });
});

describe('credentials', () => {
  const path = () => `/v1/conversations/${conversationId}`;

  it('missing, garbage and wrongly signed tokens are 401', async () => {
    expectEnvelope(await t.request('GET', path()), 401, 'unauthorized');
    expectEnvelope(await t.request('GET', path(), { token: 'not-a-jwt' }), 401, 'unauthorized');
    const forged = jwt.sign(
      { tid: tenant.id, typ: 'access' },
      'another-secret-another-secret-12345',
      {
        subject: 'x',
        issuer: 'parley',
        audience: 'parley-api',
      },
    );
    expectEnvelope(await t.request('GET', path(), { token: forged }), 401, 'unauthorized');
  });

  it('an expired token is 401 and says so', async () => {
    const expired = jwt.sign({ tid: tenant.id, sfid: 'f', typ: 'access' }, JWT_SECRET, {
      subject: 'u',
      issuer: 'parley',
      audience: 'parley-api',
      expiresIn: -10,
    });
    const res = await t.request('GET', path(), { token: expired });
    expectEnvelope(res, 401, 'unauthorized');
    expect(res.body.error.message).toMatch(/expired/i);
  });

  it('an alg:none token is refused', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({
        sub: 'u',
        tid: tenant.id,
        typ: 'access',
        iss: 'parley',
        aud: 'parley-api',
        exp: 9999999999,
      }),
    ).toString('base64url');
    expectEnvelope(
      await t.request('GET', path(), { token: `${header}.${payload}.` }),
      401,
      'unauthorized',
    );
  });

  it('an API key is not an access token', async () => {
    expectEnvelope(
      await t.request('GET', path(), { token: tenant.secretKey }),
      401,
      'unauthorized',
    );
  });

  it('a publishable key from a disallowed origin is 403 and creates no user', async () => {
    const before = await counts();
    const res = await t.request('POST', '/v1/sessions', {
      token: tenant.publishableKey,
      headers: { origin: 'https://evil.example.net' },
    });
    expectEnvelope(res, 403, 'forbidden');
    const noOrigin = await t.request('POST', '/v1/sessions', { token: tenant.publishableKey });
    expectEnvelope(noOrigin, 403, 'forbidden');
    expect(await counts()).toEqual(before);
  });

  it('a publishable key from an allowed origin starts an anonymous session', async () => {
    const res = await t.request('POST', '/v1/sessions', {
      token: tenant.publishableKey,
      headers: { origin: tenant.origin },
    });
    expect(res.status).toBe(201);
    expect(res.body.user.anonymous).toBe(true);
    expect(res.body.refreshToken).toMatch(/^rt_/);
  });

  it('a publishable key cannot claim an identity', async () => {
    const res = await t.request('POST', '/v1/sessions', {
      token: tenant.publishableKey,
      headers: { origin: tenant.origin },
      body: { externalUserId: 'ceo' },
    });
    expectEnvelope(res, 403, 'forbidden');
  });

  it('admin endpoints refuse a wrong admin token and end-user tokens', async () => {
    expectEnvelope(
      await t.request('GET', '/v1/admin/tenants', { token: 'wrong-admin-token-xxxx' }),
      401,
      'unauthorized',
    );
    expectEnvelope(await t.request('GET', '/v1/admin/tenants', { token }), 401, 'unauthorized');
  });
});

describe('isolation: another tenant or user gets 404 and changes nothing', () => {
  it('same tenant, other user', async () => {
    const bob = (await tenant.session('bob')).accessToken;
    const before = await counts();
    for (const [method, path, body] of [
      ['GET', `/v1/conversations/${conversationId}`],
      ['PATCH', `/v1/conversations/${conversationId}`, { title: 'pwned' }],
      ['DELETE', `/v1/conversations/${conversationId}`],
      ['GET', `/v1/conversations/${conversationId}/messages`],
      ['POST', `/v1/conversations/${conversationId}/messages`, { content: 'hi' }],
    ] as const) {
      expectEnvelope(await t.request(method, path, { token: bob, body }), 404, 'not_found');
    }
    expect(await counts()).toEqual(before);
    const list = await t.request('GET', '/v1/conversations', { token: bob });
    expect(list.body.data.find((c: { id: string }) => c.id === conversationId)).toBeUndefined();
  });

  it('another tenant, even with the same external user id', async () => {
    const other = await t.createTenant();
    const mallory = (await other.session('alice')).accessToken;
    const before = await counts();
    expectEnvelope(
      await t.request('GET', `/v1/conversations/${conversationId}`, { token: mallory }),
      404,
      'not_found',
    );
    expectEnvelope(
      await t.request('POST', `/v1/conversations/${conversationId}/messages`, {
        token: mallory,
        body: { content: 'hi' },
      }),
      404,
      'not_found',
    );
    expect(await counts()).toEqual(before);
  });

  it('admin key routes are scoped to the tenant in the path', async () => {
    const other = await t.createTenant();
    const keys = await t.admin('GET', `/v1/admin/tenants/${tenant.id}/keys`);
    const keyId = keys.body.data[0].id;
    expectEnvelope(
      await t.admin('DELETE', `/v1/admin/tenants/${other.id}/keys/${keyId}`),
      404,
      'not_found',
    );
    const still = await t.admin('GET', `/v1/admin/tenants/${tenant.id}/keys`);
    expect(still.body.data.every((k: { revokedAt: string | null }) => k.revokedAt === null)).toBe(
      true,
    );
  });
});
