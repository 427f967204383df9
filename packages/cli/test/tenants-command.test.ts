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

describe('parley tenants', () => {
  it('creates a tenant with settings from flags and shows it back', async () => {
    const created = await runCli(
      [
        '--json',
        'tenants',
        'create',
        'Acme Shop',
        '--persona',
        'You sell shoes.',
        '--model',
        'offline:offline',
      ],
      { env },
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const tenant = JSON.parse(created.stdout);
    expect(tenant.name).toBe('Acme Shop');

    const stored = await t.admin('GET', `/v1/admin/tenants/${tenant.id}`);
    expect(stored.body.settings).toEqual({
      persona: 'You sell shoes.',
      models: ['offline:offline'],
    });

    const shown = await runCli(['tenants', 'get', tenant.id], { env });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^ID:\\s+${tenant.id}$`, 'm'));
    expect(shown.stdout).toMatch(/^Name:\s+Acme Shop$/m);
    expect(shown.stdout).toContain('"persona": "You sell shoes."');
  });

  it('lists tenants as a table and pages through all of them with --all', async () => {
    const names = ['list-a', 'list-b', 'list-c'];
    for (const name of names)
      expect((await runCli(['tenants', 'create', name], { env })).code).toBe(0);

    const table = await runCli(['tenants', 'list'], { env });
    expect(table.code).toBe(0);
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+NAME\s+CREATED$/);
    for (const name of names) expect(rows.some((r) => r.includes(` ${name} `))).toBe(true);

    const onePage = await runCli(['--json', 'tenants', 'list', '--limit', '1'], { env });
    const first = JSON.parse(onePage.stdout);
    expect(first.data).toHaveLength(1);
    expect(first.nextCursor).toEqual(expect.any(String));

    const all = JSON.parse(
      (await runCli(['--json', 'tenants', 'list', '--limit', '1', '--all'], { env })).stdout,
    );
    const everything = await t.admin('GET', '/v1/admin/tenants?limit=100');
    expect(all.data.map((x: { id: string }) => x.id)).toEqual(
      everything.body.data.map((x: { id: string }) => x.id),
    );
    expect(all.nextCursor).toBeNull();
  });

  it('updates one setting without losing the others, and renames', async () => {
    const tenant = await t.createTenant({ persona: 'old persona', models: ['offline:offline'] });
    const res = await runCli(
      ['tenants', 'update', tenant.id, '--persona', 'new persona', '--name', 'Renamed'],
      { env },
    );
    expect(res.code).toBe(0);
    const stored = await t.admin('GET', `/v1/admin/tenants/${tenant.id}`);
    expect(stored.body.name).toBe('Renamed');
    expect(stored.body.settings).toEqual({ persona: 'new persona', models: ['offline:offline'] });
  });

  it('replaces the whole settings object with --settings', async () => {
    const tenant = await t.createTenant({ persona: 'old', rateLimits: { userPerMinute: 5 } });
    const res = await runCli(
      ['tenants', 'update', tenant.id, '--settings', '{"models": ["offline:offline"]}'],
      { env },
    );
    expect(res.code).toBe(0);
    const stored = await t.admin('GET', `/v1/admin/tenants/${tenant.id}`);
    expect(stored.body.settings).toEqual({ models: ['offline:offline'] });
  });

  it('refuses invalid settings with the server reason on one line, and stores nothing', async () => {
    const before = await t.admin('GET', '/v1/admin/tenants?limit=100');
    const res = await runCli(
      ['tenants', 'create', 'bad', '--settings', '{"persona": 42, "colour": "red"}'],
      { env },
    );
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    // One line, with every reason the server gave.
    expect(res.stderr).toMatch(/^parley: Request body is invalid: .+ \(invalid_request\)\n$/);
    expect(res.stderr).toContain('/settings/persona must be string');
    expect(res.stderr).toContain('/settings/colour unknown field');
    const after = await t.admin('GET', '/v1/admin/tenants?limit=100');
    expect(after.body.data).toHaveLength(before.body.data.length);
  });

  it('says so when a tenant does not exist', async () => {
    const res = await runCli(['tenants', 'get', '00000000-0000-4000-8000-000000000000'], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('parley: Tenant not found (not_found)\n');
  });

  it('rejects a wrong admin token with a hint', async () => {
    const res = await runCli(['tenants', 'list'], {
      env: { PARLEY_URL: t.url, PARLEY_ADMIN_TOKEN: 'not-the-admin-token-at-all' },
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      'parley: Invalid admin token (unauthorized); check --admin-token or PARLEY_ADMIN_TOKEN\n',
    );
  });
});
