import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { runToolCalls } from '../../src/tools/runtime/run-tool-calls.js';
// @ts-expect-error plain-JS test fixture without type declarations
import { createTestMcpServer } from '../fixtures/mcp-test-server.mjs';
import type { TestApp, TestTenant } from '../helpers/test-app.js';
import { startTestApp } from '../helpers/test-app.js';
import { toolRuntime } from '../../src/app-services.js';
import { collectingHooks } from '../helpers/tool-hooks.js';

const STDIO_SERVER = fileURLToPath(new URL('../fixtures/mcp-stdio-server.mjs', import.meta.url));
let t: TestApp;
let tenant: TestTenant;
let other: TestTenant;
let httpServer: http.Server;
let mcpUrl: string;

beforeAll(async () => {
  // Streamable HTTP, stateless: a fresh server + transport per request.
  httpServer = http.createServer(async (req, res) => {
    const server = createTestMcpServer();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    res.on('close', () => void transport.close().then(() => server.close()));
    await server.connect(transport);
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
  mcpUrl = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}/mcp`;
  const tools = {
    ...loadConfig({}, { jwtSecret: 'x'.repeat(32) }).tools,
    unsafeAllowedAddresses: ['127.0.0.1'],
  };
  t = await startTestApp({ config: { tools } });
  [tenant, other] = await Promise.all([t.createTenant(), t.createTenant()]);
});
afterAll(async () => {
  await t.close();
  httpServer.closeAllConnections();
  await new Promise<void>((r) => httpServer.close(() => r()));
});

async function toolsFor(tn: TestTenant) {
  return t.app.services.tools.forTurn((await t.app.services.tenants.get(tn.id))!);
}

async function call(tn: TestTenant, name: string, argsJson: string) {
  const [out] = await runToolCalls(
    toolRuntime(t.app.services),
    await toolsFor(tn),
    [{ id: 'call_1', name, argsJson }],
    { tenantId: tn.id, userId: 'u', conversationId: 'c', responseId: 'r' },
    collectingHooks(),
    new AbortController().signal,
  );
  return out!;
}

describe('MCP servers per tenant', () => {
  it('exposes the tools of a stdio MCP server as <server>__<tool>', async () => {
    const res = await t.admin('POST', `/v1/admin/tenants/${tenant.id}/tools/mcp`, {
      name: 'math',
      server: { transport: 'stdio', command: process.execPath, args: [STDIO_SERVER] },
    });
    expect(res.status).toBe(201);
    const set = await toolsFor(tenant);
    const add = set.get('math__add');
    expect(add).toMatchObject({ kind: 'mcp', def: { description: 'Adds two numbers.' } });
    expect(add!.def.parameters).toMatchObject({ required: ['a', 'b'] });
    expect(await call(tenant, 'math__add', '{"a": 2, "b": 3}')).toMatchObject({
      status: 'ok',
      result: { sum: 5 },
    });
    expect(await call(tenant, 'math__fail', '{}')).toMatchObject({
      status: 'error',
      error: 'the fail tool always fails',
    });
    // Arguments are checked against the server's schema before the call goes out.
    expect((await call(tenant, 'math__add', '{"a": "two"}')).error).toMatch(/Invalid arguments/);
  });

  it("does not offer one tenant's MCP tools to another", async () => {
    expect((await toolsFor(other)).has('math__add')).toBe(false);
  });

  it('exposes the tools of a streamable HTTP MCP server', async () => {
    const res = await t.admin('POST', `/v1/admin/tenants/${tenant.id}/tools/mcp`, {
      name: 'remote',
      server: { transport: 'http', url: mcpUrl },
    });
    expect(res.status).toBe(201);
    expect(await call(tenant, 'remote__add', '{"a": 40, "b": 2}')).toMatchObject({
      status: 'ok',
      result: { sum: 42 },
    });
  });

  it('drops the tools of a disabled server', async () => {
    await t.admin('PUT', `/v1/admin/tenants/${tenant.id}/tools/math`, { enabled: false });
    const set = await toolsFor(tenant);
    expect(set.has('math__add')).toBe(false);
    expect(set.has('remote__add')).toBe(true);
  });

  it('skips a server that cannot start; the other tools stay', async () => {
    await t.admin('POST', `/v1/admin/tenants/${tenant.id}/tools/mcp`, {
      name: 'broken',
      server: { transport: 'stdio', command: '/nonexistent/mcp-server' },
    });
    const set = await toolsFor(tenant);
    expect([...['broken__add', 'remote__add', 'calculator']].map((n) => set.has(n))).toEqual([
      false,
      true,
      true,
    ]);
  });
});
