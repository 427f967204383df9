import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { verifySignature } from '../../src/tools/http-tools/signature.js';
import { runToolCalls } from '../../src/tools/runtime/run-tool-calls.js';
import type { TestApp, TestTenant } from '../helpers/test-app.js';
import { startTestApp } from '../helpers/test-app.js';
import { toolRuntime } from '../../src/app-services.js';
import { collectingHooks } from '../helpers/tool-hooks.js';

/** The tenant's tool endpoint: checks Parley's signature like a real receiver would. */
let received: Array<{ headers: http.IncomingHttpHeaders; body: string; valid: boolean }> = [];
let secret = '';
let server: http.Server;
let base: string;
let t: TestApp;
let tenant: TestTenant;
let other: TestTenant;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const valid = verifySignature(
        secret,
        req.headers['x-parley-timestamp'] as string,
        req.headers['x-parley-signature'] as string,
        body,
      );
      received.push({ headers: req.headers, body, valid });
      if (!valid) {
        res.writeHead(401).end('bad signature');
        return;
      }
      const { arguments: args } = JSON.parse(body);
      if (args.orderId === 'missing') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no such order');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ orderId: args.orderId, status: 'shipped' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The test-only override: this app may reach 127.0.0.1 (and only that).
  const tools = {
    ...loadConfig({}, { jwtSecret: 'x'.repeat(32) }).tools,
    unsafeAllowedAddresses: ['127.0.0.1'],
  };
  t = await startTestApp({ config: { tools } });
  [tenant, other] = await Promise.all([t.createTenant(), t.createTenant()]);
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((r) => server.close(() => r()));
});

async function callTool(tn: TestTenant, argsJson: string) {
  const cached = await t.app.services.tenants.get(tn.id);
  const set = await t.app.services.tools.forTurn(cached!);
  return runToolCalls(
    toolRuntime(t.app.services),
    set,
    [{ id: 'call_1', name: 'lookup_order', argsJson }],
    { tenantId: tn.id, userId: 'u-1', conversationId: 'c-1', responseId: 'r-1' },
    collectingHooks(),
    new AbortController().signal,
  );
}

describe('per-tenant HTTP tools', () => {
  it('POSTs the validated arguments, signed with the tool secret, and returns the answer', async () => {
    const created = await t.admin('POST', `/v1/admin/tenants/${tenant.id}/tools/http`, {
      name: 'lookup_order',
      description: 'Finds an order',
      url: `${base}/orders/lookup`,
      parameters: {
        type: 'object',
        required: ['orderId'],
        properties: { orderId: { type: 'string' } },
      },
    });
    expect(created.status).toBe(201);
    secret = created.body.secret;

    received = [];
    const [out] = await callTool(tenant, '{"orderId":"A-1001"}');
    expect(out).toMatchObject({ status: 'ok', result: { orderId: 'A-1001', status: 'shipped' } });
    expect(received).toHaveLength(1);
    expect(received[0]!.valid).toBe(true);
    expect(received[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(received[0]!.body)).toEqual({
      tool: 'lookup_order',
      arguments: { orderId: 'A-1001' },
      toolCallId: 'call_1',
      conversationId: 'c-1',
      userId: 'u-1',
    });
  });

  it('reports the endpoint status to the model on failure', async () => {
    const [out] = await callTool(tenant, '{"orderId":"missing"}');
    expect(out).toMatchObject({
      status: 'error',
      error: 'The tool endpoint answered HTTP 404: no such order',
    });
  });

  it('never sends arguments that fail the schema', async () => {
    received = [];
    const [out] = await callTool(tenant, '{"order":"A-1"}');
    expect(out!.status).toBe('error');
    expect(out!.error).toMatch(/must have required property 'orderId'/);
    expect(received).toEqual([]);
  });

  it('signs with the new secret after a rotation (the old one stops working)', async () => {
    const old = secret;
    const rotated = await t.admin(
      'POST',
      `/v1/admin/tenants/${tenant.id}/tools/lookup_order/rotate-secret`,
    );
    received = [];
    secret = old; // the receiver still has the old secret
    expect((await callTool(tenant, '{"orderId":"A-1"}'))[0]!.status).toBe('error');
    secret = rotated.body.secret;
    expect((await callTool(tenant, '{"orderId":"A-1"}'))[0]!.status).toBe('ok');
  });

  it("is not offered to another tenant's turns", async () => {
    const [out] = await callTool(other, '{"orderId":"A-1"}');
    expect(out!.error).toMatch(/There is no tool named "lookup_order"/);
  });

  it('is blocked at call time when its address turns private (pinned DNS check)', async () => {
    // Stored directly, as if the tool's hostname had been re-pointed after registration.
    await t.db
      .knex('tools')
      .where({ tenant_id: tenant.id, name: 'lookup_order' })
      .update({
        config: t.db.knex.raw(`jsonb_set(config, '{url}', ?::jsonb)`, [
          JSON.stringify('http://169.254.169.254/latest/'),
        ]),
        updated_at: t.db.knex.fn.now(),
      });
    await t.app.services.tools.changed(tenant.id);
    const [out] = await callTool(tenant, '{"orderId":"A-1"}');
    expect(out).toMatchObject({
      reason: 'blocked',
      error:
        'The tool endpoint is on a private or internal network address, which tools may not reach.',
    });
    expect(out!.content).not.toContain('169.254');
  });
});
