import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendTurn } from '../helpers/provider-fixtures.js';
import type { TestApp, TestTenant } from '../helpers/test-app.js';
import { startTestApp } from '../helpers/test-app.js';

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
const tools = (tenant: TestTenant, rest = '') => `/v1/admin/tenants/${tenant.id}/tools${rest}`;
const byName = (list: any[], name: string) => list.find((x) => x.name === name);

beforeAll(async () => {
  t = await startTestApp();
  [a, b] = await Promise.all([t.createTenant(), t.createTenant()]);
});
afterAll(() => t.close());

const lookupOrder = {
  name: 'lookup_order',
  description: 'Finds an order by its number',
  url: 'https://shop.example.com/parley/tools/lookup-order',
  parameters: {
    type: 'object',
    required: ['orderId'],
    properties: { orderId: { type: 'string' } },
  },
};

describe('admin tools API', () => {
  it('lists the builtins with their defaults', async () => {
    const res = await t.admin('GET', tools(a));
    expect(res.status).toBe(200);
    expect(byName(res.body.data, 'calculator')).toMatchObject({ kind: 'builtin', enabled: true });
    expect(byName(res.body.data, 'weather')).toMatchObject({ kind: 'builtin', enabled: true });
    expect(byName(res.body.data, 'current_time')).toMatchObject({ enabled: true });
    // No search backend is configured on this server.
    expect(byName(res.body.data, 'web_search')).toMatchObject({ enabled: false });
  });

  it('disables a tool for one tenant only, and the model no longer gets it', async () => {
    const put = await t.admin('PUT', tools(a, '/calculator'), { enabled: false });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: 'calculator', enabled: false });
    const offA = await sendTurn(t, a, '2+3*4');
    expect(offA.events.some((e) => e.type === 'tool.started')).toBe(false);
    const onB = await sendTurn(t, b, '2+3*4');
    expect(onB.events.find((e) => e.type === 'tool.completed')).toMatchObject({
      status: 'ok',
      result: { result: '14' },
    });
    expect((await t.admin('PUT', tools(a, '/calculator'), { enabled: true })).body.enabled).toBe(
      true,
    );
  });

  it('validates tool config against the tool config schema and hides secrets', async () => {
    const bad = await t.admin('PUT', tools(a, '/web_search'), { config: { backend: 'bing' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_request');
    const ok = await t.admin('PUT', tools(a, '/web_search'), {
      enabled: true,
      config: { backend: 'tavily', apiKey: 'tvly-very-secret' },
      timeoutMs: 5000,
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      enabled: true,
      timeoutMs: 5000,
      config: { backend: 'tavily', apiKey: '[redacted]' },
    });
    expect((await t.admin('GET', tools(a))).text).not.toContain('tvly-very-secret');
    expect(byName((await t.admin('GET', tools(b))).body.data, 'web_search').enabled).toBe(false);
  });

  it('honours the enabledTools list of the tenant settings when no row says otherwise', async () => {
    const only = await t.createTenant({ enabledTools: ['calculator'] });
    const list = (await t.admin('GET', tools(only))).body.data;
    expect(byName(list, 'calculator').enabled).toBe(true);
    expect(byName(list, 'weather').enabled).toBe(false);
  });

  it('registers an HTTP tool, shows its secret once, and keeps it out of reads', async () => {
    const created = await t.admin('POST', tools(a, '/http'), lookupOrder);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'lookup_order',
      kind: 'http',
      enabled: true,
      url: lookupOrder.url,
    });
    expect(created.body.secret).toMatch(/^pts_[A-Za-z0-9_-]{40,}$/);
    const got = await t.admin('GET', tools(a, '/lookup_order'));
    expect(got.status).toBe(200);
    expect(got.text).not.toContain(created.body.secret);
    expect(got.body.secret).toBeUndefined();
    expect((await t.admin('POST', tools(a, '/http'), lookupOrder)).status).toBe(409);
    expect(
      (await t.admin('POST', tools(a, '/http'), { ...lookupOrder, name: 'weather' })).status,
    ).toBe(409);

    const rotated = await t.admin('POST', tools(a, '/lookup_order/rotate-secret'));
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(created.body.secret);

    const upd = await t.admin('PUT', tools(a, '/lookup_order'), {
      needsApproval: true,
      description: 'Order lookup',
    });
    expect(upd.body).toMatchObject({ needsApproval: true, description: 'Order lookup' });
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data', 'metadata address'],
    ['http://127.0.0.1:8080/hook', 'loopback'],
    ['http://[::1]/hook', 'IPv6 loopback'],
    ['http://10.1.2.3/hook', 'private'],
    ['http://localhost:3000/hook', 'localhost'],
    ['http://[::127.0.0.1]/hook', 'IPv4-compatible loopback'],
    ['http://[::ffff:7f00:1]/hook', 'IPv4-mapped loopback'],
    ['http://[64:ff9b::10.0.0.1]/hook', 'NAT64 of a private address'],
    ['http://[2002:7f00:1::]/hook', '6to4 of loopback'],
    ['http://2130706433/hook', 'loopback in decimal'],
    ['http://0x7f.1/hook', 'loopback in hex'],
    ['http://0.0.0.0/hook', '0.0.0.0'],
    ['ftp://example.com/hook', 'not http'],
    ['not a url', 'not a URL'],
  ])('refuses an HTTP tool URL %s (%s)', async (url) => {
    const res = await t.admin('POST', tools(a, '/http'), { ...lookupOrder, name: 'x_tool', url });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect((await t.admin('GET', tools(a, '/x_tool'))).status).toBe(404);
  });

  it('refuses parameters that are not an object JSON Schema', async () => {
    const notObject = await t.admin('POST', tools(a, '/http'), {
      ...lookupOrder,
      name: 'y_tool',
      parameters: { type: 'string' },
    });
    expect(notObject.status).toBe(400);
    const broken = await t.admin('POST', tools(a, '/http'), {
      ...lookupOrder,
      name: 'y_tool',
      parameters: { type: 'object', properties: { n: { type: 'integer', minimum: 'zero' } } },
    });
    expect(broken.status).toBe(400);
  });

  it('registers an MCP server and masks its environment', async () => {
    const res = await t.admin('POST', tools(a, '/mcp'), {
      name: 'files',
      server: { transport: 'stdio', command: 'mcp-files', env: { FILES_TOKEN: 'very-secret' } },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: 'mcp',
      transport: 'stdio',
      config: { env: { FILES_TOKEN: '[redacted]' } },
    });
    expect((await t.admin('GET', tools(a))).text).not.toContain('very-secret');
    const badUrl = await t.admin('POST', tools(a, '/mcp'), {
      name: 'meta',
      server: { transport: 'http', url: 'http://169.254.169.254/mcp' },
    });
    expect(badUrl.status).toBe(400);
    const missing = await t.admin('POST', tools(a, '/mcp'), {
      name: 'nope',
      server: { transport: 'stdio' },
    });
    expect(missing.status).toBe(400);
  });

  it("answers 404 for another tenant's tools, and nothing changes", async () => {
    for (const [method, path, body] of [
      ['GET', tools(b, '/lookup_order')],
      ['PUT', tools(b, '/lookup_order'), { enabled: false }],
      ['DELETE', tools(b, '/lookup_order')],
      ['POST', tools(b, '/lookup_order/rotate-secret')],
      ['GET', tools(b, '/files')],
    ] as const) {
      const res = await t.admin(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await t.admin('GET', tools(a, '/lookup_order'))).body.enabled).toBe(true);
  });

  it('answers 404 for unknown tenants and tools, 401 without the admin token', async () => {
    expect(
      (await t.admin('GET', '/v1/admin/tenants/00000000-0000-4000-8000-000000000000/tools')).status,
    ).toBe(404);
    expect((await t.admin('GET', '/v1/admin/tenants/not-a-uuid/tools')).status).toBe(404);
    expect((await t.admin('GET', tools(a, '/no_such_tool'))).status).toBe(404);
    expect((await t.admin('PUT', tools(a, '/no_such_tool'), { enabled: true })).status).toBe(404);
    expect((await t.request('GET', tools(a))).status).toBe(401);
    expect((await t.request('GET', tools(a), { token: a.secretKey })).status).toBe(401);
  });

  it('deletes an HTTP tool; deleting a builtin row restores its defaults', async () => {
    expect((await t.admin('DELETE', tools(a, '/lookup_order'))).status).toBe(204);
    expect((await t.admin('GET', tools(a, '/lookup_order'))).status).toBe(404);
    await t.admin('PUT', tools(a, '/weather'), { enabled: false });
    expect((await t.admin('DELETE', tools(a, '/weather'))).status).toBe(204);
    expect((await t.admin('GET', tools(a, '/weather'))).body.enabled).toBe(true);
  });
});
