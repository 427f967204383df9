import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defineTool } from '../../src/tools/define-tool.js';
import { createSafeFetch } from '../../src/tools/net/safe-fetch.js';
import { runToolCalls } from '../../src/tools/runtime/run-tool-calls.js';
import { ToolSet } from '../../src/tools/tool-set.js';
import { isolateNetwork } from '../helpers/provider-fixtures.js';
import type { TestApp } from '../helpers/test-app.js';
import { startTestApp } from '../helpers/test-app.js';
import { toolRuntime } from '../../src/app-services.js';
import { collectingHooks } from '../helpers/tool-hooks.js';

// A local server that must never be reached through a blocked address.
let hits: string[] = [];
let server: http.Server;
let port: number;
let restore: () => void;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(req.url!);
    if (req.url === '/to-metadata')
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
    else if (req.url === '/to-private') res.writeHead(307, { location: 'http://10.0.0.1/admin' });
    else if (req.url === '/to-loopback-v6')
      res.writeHead(301, { location: `http://[::1]:${port}/` });
    else if (req.url === '/to-self') res.writeHead(302, { location: '/ok' });
    else res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(req.url === '/ok' ? 'reached' : '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  hits = [];
  // A second net: if the guard ever let a request through, nock would refuse it.
  restore = isolateNetwork();
});
afterEach(() => restore());

describe('SSRF guard (safe fetch)', () => {
  const guarded = createSafeFetch();

  it.each([
    ['loopback', () => `http://127.0.0.1:${port}/ok`],
    ['loopback in hex', () => `http://0x7f.1:${port}/ok`],
    ['a hostname resolving to loopback', () => `http://localhost:${port}/ok`],
    ['IPv6 loopback', () => `http://[::1]:${port}/ok`],
    ['IPv4-mapped IPv6 loopback', () => `http://[::ffff:127.0.0.1]:${port}/ok`],
    ['the cloud metadata service', () => 'http://169.254.169.254/latest/meta-data/'],
    ['the IPv6 metadata service (unique-local)', () => 'http://[fd00:ec2::254]/latest/meta-data/'],
    ['a private network', () => 'http://192.168.1.1/'],
    ['carrier-grade NAT', () => 'http://100.64.0.1/'],
    ['link-local IPv6', () => 'http://[fe80::1]/'],
    ['loopback in decimal', () => `http://2130706433:${port}/ok`],
    ['loopback in octal', () => `http://0177.0.0.1:${port}/ok`],
    ['loopback, short form', () => `http://127.1:${port}/ok`],
    ['0.0.0.0 (reaches local services on Linux)', () => `http://0.0.0.0:${port}/ok`],
    ['IPv4-compatible loopback', () => `http://[::127.0.0.1]:${port}/ok`],
    ['IPv4-compatible loopback in hex', () => `http://[::7f00:1]:${port}/ok`],
    ['IPv4-compatible private address', () => 'http://[::10.0.0.1]/'],
    ['IPv4-mapped loopback in hex', () => `http://[::ffff:7f00:1]:${port}/ok`],
    ['IPv4-mapped loopback, long form', () => `http://[0:0:0:0:0:ffff:7f00:1]:${port}/ok`],
    ['NAT64 of a private address', () => 'http://[64:ff9b::10.0.0.1]/'],
    ['NAT64 of a private address in hex', () => 'http://[64:ff9b::a00:1]/'],
    ['6to4 of loopback', () => `http://[2002:7f00:1::]:${port}/ok`],
    ['Teredo', () => 'http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/'],
  ])('blocks %s', async (_what, url) => {
    await expect(guarded(url())).rejects.toThrow(/^Blocked: /);
    expect(hits).toEqual([]);
  });

  it.each([
    ['IPv4-compatible loopback', '::7f00:1', 6],
    ['IPv4-mapped loopback', '::ffff:127.0.0.1', 6],
    ['NAT64 of a private address', '64:ff9b::a00:1', 6],
    ['6to4 of loopback', '2002:7f00:1::', 6],
    ['0.0.0.0', '0.0.0.0', 4],
    ['the metadata service', '169.254.169.254', 4],
    ['link-local IPv6', 'fe80::1', 6],
  ])('blocks a name that resolves to %s', async (_what, address, family) => {
    nock.enableNetConnect(/inside\.example/); // .example never resolves: DNS is the stub below
    const viaDns = createSafeFetch({ resolve: async () => [{ address, family }] });
    await expect(viaDns(`http://inside.example:${port}/ok`)).rejects.toThrow(
      `Blocked: inside.example resolves to ${address}`,
    );
    expect(hits).toEqual([]);
  });

  it('blocks a name when any of its addresses is blocked, not only the first', async () => {
    nock.enableNetConnect(/mixed\.example/);
    const viaDns = createSafeFetch({
      resolve: async () => [
        { address: '93.184.215.14', family: 4 },
        { address: '::ffff:7f00:1', family: 6 },
      ],
    });
    await expect(viaDns(`http://mixed.example:${port}/ok`)).rejects.toThrow(/::ffff:7f00:1/);
    expect(hits).toEqual([]);
  });

  it('connects to the address it checked: a DNS answer that changes later is never used', async () => {
    nock.enableNetConnect(/rebind\.example/);
    // The first answer passes (the test override allows 127.0.0.1); any later
    // one rebinds to a private address. A second resolution would be refused.
    const answers = ['127.0.0.1', '10.0.0.1', '10.0.0.1'];
    let asked = 0;
    const rebinding = createSafeFetch({
      allowedAddresses: ['127.0.0.1'],
      resolve: async () => [{ address: answers[asked++]!, family: 4 }],
    });
    const res = await rebinding(`http://rebind.example:${port}/ok`);
    expect(await res.text()).toBe('reached');
    expect(asked).toBe(1);
    expect(hits).toEqual(['/ok']);
  });

  it('refuses other protocols', async () => {
    await expect(guarded('file:///etc/passwd')).rejects.toThrow(/only http and https/);
  });

  describe('with the test-only override for 127.0.0.1', () => {
    const allowed = createSafeFetch({ allowedAddresses: ['127.0.0.1'] });

    it('reaches the allowed address and follows a redirect that stays safe', async () => {
      const res = await allowed(`http://127.0.0.1:${port}/to-self`);
      expect(await res.text()).toBe('reached');
      expect(hits).toEqual(['/to-self', '/ok']);
    });

    it.each([
      ['/to-metadata', /169\.254\.169\.254/],
      ['/to-private', /10\.0\.0\.1/],
      ['/to-loopback-v6', /::1/],
    ])('blocks a redirect (%s) to a private address', async (path, address) => {
      await expect(allowed(`http://127.0.0.1:${port}${path}`)).rejects.toThrow(address);
      expect(hits).toEqual([path]);
    });
  });
});

describe('a model that tries to make a tool reach internal addresses', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('gets a blocked result; nothing is fetched', async () => {
    // A plugin-style tool that fetches what the model asks for, through ctx.fetch.
    const fetchUrl = defineTool<{ url: string }>({
      name: 'fetch_url',
      description: 'Fetches a web page',
      parameters: { type: 'object', required: ['url'], properties: { url: { type: 'string' } } },
      async execute({ url }, ctx) {
        const res = await ctx.fetch(url, { signal: ctx.signal });
        return { status: res.status, body: await res.text() };
      },
    });
    const set = new ToolSet();
    set.add({ def: fetchUrl, kind: 'plugin', config: {}, needsApproval: false, timeoutMs: 5000 });
    const ask = (id: string, url: string) => ({
      id,
      name: 'fetch_url',
      argsJson: JSON.stringify({ url }),
    });
    const outcomes = await runToolCalls(
      toolRuntime(t.app.services),
      set,
      [
        ask('c1', 'http://169.254.169.254/latest/meta-data/iam/security-credentials/'),
        ask('c2', `http://127.0.0.1:${port}/ok`),
        ask('c3', `http://localhost:${port}/ok`),
      ],
      { tenantId: 't', userId: 'u', conversationId: 'c', responseId: 'r' },
      collectingHooks(),
      new AbortController().signal,
    );
    expect(outcomes.map((o) => o.status)).toEqual(['error', 'error', 'error']);
    // The model learns why, not which internal address a name resolved to.
    for (const o of outcomes) {
      expect(o.reason).toBe('blocked');
      expect(o.error).toBe(
        'The service behind the fetch_url tool is on a private or internal network address, which tools may not reach.',
      );
      expect(o.content).not.toMatch(/127\.0\.0\.1|169\.254|localhost/);
    }
    expect(hits).toEqual([]);
  });
});
