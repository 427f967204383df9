import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../server/test/helpers/test-app.js';
import { ADMIN_TOKEN, startTestApp } from '../../server/test/helpers/test-app.js';
import { runCli } from './helpers/run-cli.js';

let t: TestApp;
let env: Record<string, string>;

beforeAll(async () => {
  t = await startTestApp();
  env = { PARLEY_URL: t.url, PARLEY_ADMIN_TOKEN: ADMIN_TOKEN };
});
afterAll(() => t.close());

async function newTenant(): Promise<string> {
  const res = await runCli(['--json', 'tenants', 'create', 'keys-test'], { env });
  return JSON.parse(res.stdout).id;
}

const startSession = (key: string, origin?: string) =>
  t.request('POST', '/v1/sessions', {
    token: key,
    body: origin ? {} : { externalUserId: 'cli-user' },
    headers: origin ? { origin } : {},
  });

describe('parley keys', () => {
  it('prints a new secret key once, on its own line, and the key works', async () => {
    const tenantId = await newTenant();
    const res = await runCli(['keys', 'create', '--tenant', tenantId, '--name', 'backend'], {
      env,
    });
    expect(res.code).toBe(0);
    const key = res.stdout.match(/^ {2}(sk_\S+)$/m)?.[1];
    expect(key).toBeDefined();
    expect(res.stdout).toContain('cannot show this key again');
    expect((await startSession(key!)).status).toBe(201);

    // Listing shows only the prefix, never the key.
    const list = await runCli(['keys', 'list', '--tenant', tenantId], { env });
    expect(list.code).toBe(0);
    expect(list.stdout).not.toContain(key);
    expect(list.stdout).toMatch(/secret\s+sk_live_\S{4}…\s+backend\s+-\s+.*active/);
  });

  it('creates a publishable key that works only from its origins', async () => {
    const tenantId = await newTenant();
    const res = await runCli(
      [
        '--json',
        'keys',
        'create',
        '--tenant',
        tenantId,
        '--type',
        'publishable',
        '--origin',
        'https://shop.example',
      ],
      { env },
    );
    expect(res.code).toBe(0);
    const created = JSON.parse(res.stdout);
    expect(created.key).toMatch(/^pk_/);
    expect(created.allowedOrigins).toEqual(['https://shop.example']);
    expect((await startSession(created.key, 'https://shop.example')).status).toBe(201);
    expect((await startSession(created.key, 'https://evil.example')).status).toBe(403);
  });

  it('refuses a publishable key without origins, storing nothing', async () => {
    const tenantId = await newTenant();
    const res = await runCli(['keys', 'create', '--tenant', tenantId, '--type', 'publishable'], {
      env,
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /^parley: A publishable key needs at least one allowed origin: .*\(invalid_request\)\n$/,
    );
    const list = JSON.parse(
      (await runCli(['--json', 'keys', 'list', '--tenant', tenantId], { env })).stdout,
    );
    expect(list.data).toEqual([]);
  });

  it('revokes a key so it stops working', async () => {
    const tenantId = await newTenant();
    const created = JSON.parse(
      (await runCli(['--json', 'keys', 'create', '--tenant', tenantId], { env })).stdout,
    );
    const res = await runCli(['keys', 'revoke', '--tenant', tenantId, created.id], { env });
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(`Revoked secret key ${created.prefix}… (${created.id}).\n`);
    expect((await startSession(created.key)).status).toBe(401);
    const list = await runCli(['keys', 'list', '--tenant', tenantId], { env });
    expect(list.stdout).toMatch(/revoked \d{4}-\d\d-\d\d/);
  });

  it("cannot revoke another tenant's key: 404, and the key keeps working", async () => {
    const [a, b] = [await newTenant(), await newTenant()];
    const keyOfB = JSON.parse(
      (await runCli(['--json', 'keys', 'create', '--tenant', b], { env })).stdout,
    );
    const res = await runCli(['keys', 'revoke', '--tenant', a, keyOfB.id], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('parley: API key not found (not_found)\n');
    expect((await startSession(keyOfB.key)).status).toBe(201);
  });

  it('needs --tenant', async () => {
    const res = await runCli(['keys', 'list'], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      "parley: required option '--tenant <tenantId>' not specified (see --help)\n",
    );
  });
});
