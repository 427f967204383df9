import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../server/test/helpers/test-app.js';
import { ADMIN_TOKEN, startTestApp } from '../../server/test/helpers/test-app.js';
import { emptyDir, runCli } from './helpers/run-cli.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('parley exit codes and messages', () => {
  it('prints help and exits 0 with --help; fails with usage when given no command', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const cmd of ['serve', 'migrate', 'tenants', 'keys']) expect(help.stdout).toContain(cmd);
    const none = await runCli([]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('Usage: parley');
  });

  it('names an unknown command and suggests the right one (exit 1)', async () => {
    const res = await runCli(['tenant', 'list']);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      "parley: unknown command 'tenant' (Did you mean tenants?) (see --help)\n",
    );
  });

  it('exits 2 when there is no admin token for a remote server', async () => {
    const res = await runCli(['tenants', 'list'], {
      env: { PARLEY_URL: 'https://parley.example.com' },
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(
      'parley: no admin token: pass --admin-token or set PARLEY_ADMIN_TOKEN\n',
    );
  });

  it('exits 2 for a server URL that is not http(s)', async () => {
    const res = await runCli(['--url', 'localhost:3000', 'tenants', 'list']);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(
      'parley: server URL "localhost:3000" must start with http:// or https://\n',
    );
  });

  it('exits 3 when the server cannot be reached', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const res = await runCli(['tenants', 'list', '--url', url, '--admin-token', ADMIN_TOKEN]);
    expect(res.code).toBe(3);
    expect(res.stderr).toBe(
      `parley: cannot reach Parley at ${url} (ECONNREFUSED); is the server running? (parley serve)\n`,
    );
  });

  it('exits 1 when the URL answers but is not Parley', async () => {
    const server = http.createServer((_req, res) => res.writeHead(502).end('Bad Gateway'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
      const res = await runCli(['tenants', 'list', '--url', url, '--admin-token', ADMIN_TOKEN]);
      expect(res.code).toBe(1);
      expect(res.stderr).toBe(
        `parley: unexpected HTTP 502 from ${url}; is that a Parley server?\n`,
      );
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('uses the embedded server token from ./.parley/admin-token for a local server', async () => {
    const cwd = emptyDir();
    mkdirSync(path.join(cwd, '.parley'));
    writeFileSync(path.join(cwd, '.parley', 'admin-token'), ADMIN_TOKEN + '\n');
    const res = await runCli(['--json', 'tenants', 'create', 'from-embedded-token'], {
      cwd,
      env: { PARLEY_URL: t.url },
    });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).name).toBe('from-embedded-token');

    // Never sent to a server elsewhere.
    const remote = await runCli(['tenants', 'list'], {
      cwd,
      env: { PARLEY_URL: 'https://parley.example.com' },
    });
    expect(remote.code).toBe(2);
  });
});
