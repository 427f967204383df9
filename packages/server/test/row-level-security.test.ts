import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantScope } from '../src/db/scoped.js';
import type { TestApp, TestTenant } from './helpers/test-app.js';
import { startTestApp } from './helpers/test-app.js';

/**
 * PostgreSQL row-level security, the second wall behind db/scoped.ts. The
 * tests run as a plain role (superusers bypass RLS, as the app does in
 * tests), inside a transaction that sets the tenant like the scope does.
 */

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
const ROLE = 'parley_rls_probe';

beforeAll(async () => {
  t = await startTestApp();
  a = await t.createTenant();
  b = await t.createTenant();
  for (const tenant of [a, b]) {
    const s = await tenant.session();
    await t.request('POST', '/v1/conversations', {
      token: s.accessToken,
      body: { title: tenant.id },
    });
  }
  await t.db.knex.raw(
    `do $$ begin if not exists (select from pg_roles where rolname = '${ROLE}') then create role ${ROLE} nologin; end if; end $$`,
  );
  await t.db.knex.raw(`grant select, insert, update, delete on conversations, users to ${ROLE}`);
});
afterAll(() => t.close());

describe('row-level security', () => {
  it('is enabled and forced, with the tenant policy, on every table that has tenant_id', async () => {
    const { rows } = await t.db.knex.raw(`
      select c.relname as table, c.relrowsecurity as enabled, c.relforcerowsecurity as forced,
             exists (select 1 from pg_policy p where p.polrelid = c.oid
                     and p.polname = 'parley_tenant_isolation') as policy
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind = 'r'
        and exists (select 1 from pg_attribute a where a.attrelid = c.oid
                    and a.attname = 'tenant_id' and not a.attisdropped)
      order by 1`);
    expect(rows.length).toBeGreaterThan(10);
    const unprotected = (
      rows as { table: string; enabled: boolean; forced: boolean; policy: boolean }[]
    )
      .filter((r) => !(r.enabled && r.forced && r.policy))
      .map((r) => r.table);
    expect(
      unprotected,
      'tables with tenant_id but no RLS: call enableTenantRls in their migration',
    ).toEqual([]);
  });

  it("hides and protects other tenants' rows once a transaction names its tenant", async () => {
    await t.db.knex.transaction(async (trx) => {
      await trx.raw(`set local role ${ROLE}`);
      // Unset (operator, background and hot-path queries): every row, filtered by the scope instead.
      const all = await trx('conversations').whereIn('tenant_id', [a.id, b.id]).select('tenant_id');
      expect(new Set(all.map((r) => r.tenant_id))).toEqual(new Set([a.id, b.id]));

      await trx.raw(`select set_config('parley.tenant_id', ?, true)`, [a.id]);
      // Even a query that forgot its where clause sees only tenant A.
      const visible = await trx('conversations').select('tenant_id');
      expect(new Set(visible.map((r) => r.tenant_id))).toEqual(new Set([a.id]));
      const moved = await trx('conversations').where({ tenant_id: b.id }).update({ title: 'x' });
      expect(moved).toBe(0);
      const user = await trx('users').where({ tenant_id: a.id }).first('id');
      await trx.raw('savepoint cross_tenant_insert');
      await expect(
        trx('conversations').insert({ tenant_id: b.id, user_id: user.id, title: 'smuggled' }),
      ).rejects.toThrow(/row-level security/);
      await trx.raw('rollback to savepoint cross_tenant_insert');
    });
  });

  it('is what tenantScope(...).transaction sets, for that transaction only', async () => {
    const inside = await tenantScope(t.db.knex, a.id).transaction(async (trx) => {
      const { rows } = await trx.raw(`select current_setting('parley.tenant_id', true) as v`);
      return rows[0].v as string;
    });
    expect(inside).toBe(a.id);
    const { rows } = await t.db.knex.raw(`select current_setting('parley.tenant_id', true) as v`);
    expect(rows[0].v ?? '').toBe('');
  });
});
