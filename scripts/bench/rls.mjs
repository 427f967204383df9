#!/usr/bin/env node
/**
 * What PostgreSQL row-level security would cost on the hot path (not a test).
 * The turn's conversation lookup, as a plain role subject to the policy of
 * migrations/20261127000900_identity_and_rls.ts, three ways:
 *   1. scoped query, tenant setting unset (what the app does)
 *   2. BEGIN; set_config('parley.tenant_id'); query; COMMIT (RLS as a wall)
 *   3. the same in one knex transaction (how the app would have to do it)
 * Creates and drops a scratch database and the role `parley_rls_bench`.
 *
 *   node scripts/bench/rls.mjs [--url postgres://postgres@127.0.0.1:5432/postgres] [--iterations 3000]
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import knexFactory from 'knex';
import { percentile, round, table } from './lib/stats.mjs';

const { values: opt } = parseArgs({
  options: {
    url: {
      type: 'string',
      default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    iterations: { type: 'string', default: '3000' },
  },
});
const N = Number(opt.iterations);
const DB = `parley_rls_bench_${process.pid}`;
const ROLE = 'parley_rls_bench';
const at = (user, db) => {
  const u = new URL(opt.url);
  u.username = user;
  u.pathname = `/${db}`;
  return u.toString();
};
const connect = (url) => knexFactory({ client: 'pg', connection: url, pool: { min: 1, max: 4 } });

const admin = connect(opt.url);
await admin.raw(`create database ${DB}`);
const owner = connect(at(new URL(opt.url).username, DB));
const rows = [];
try {
  await owner.raw(`create table conversations (id uuid primary key default gen_random_uuid(),
    tenant_id uuid not null, user_id uuid not null, last_seq bigint not null default 0)`);
  await owner.raw('create index on conversations (tenant_id, user_id)');
  await owner.raw(`insert into conversations (tenant_id, user_id)
    select gen_random_uuid(), gen_random_uuid() from generate_series(1, 50000)`);
  await owner.raw(
    `do $$ begin if not exists (select from pg_roles where rolname = '${ROLE}') then create role ${ROLE} login; end if; end $$`,
  );
  await owner.raw(`grant select on conversations to ${ROLE}`);
  const setting = "nullif(current_setting('parley.tenant_id', true), '')";
  const rule = `${setting} is null or tenant_id = ${setting}::uuid`;
  await owner.raw('alter table conversations enable row level security');
  await owner.raw('alter table conversations force row level security');
  await owner.raw(`create policy p on conversations using (${rule})`);
  const target = await owner('conversations').first();
  const app = connect(at(ROLE, DB));
  const lookup = (db) =>
    db('conversations')
      .where({ id: target.id, tenant_id: target.tenant_id, user_id: target.user_id })
      .first('id', 'last_seq');

  async function time(name, fn) {
    for (let i = 0; i < 300; i++) await fn();
    const ms = [];
    for (let i = 0; i < N; i++) {
      const t = performance.now();
      await fn();
      ms.push(performance.now() - t);
    }
    rows.push([name, round(percentile(ms, 50), 3), round(percentile(ms, 99), 3)]);
  }
  await time('scoped query, setting unset (shipped)', () => lookup(app));
  await time('knex.transaction + set_config + query', () =>
    app.transaction(async (trx) => {
      await trx.raw(`select set_config('parley.tenant_id', ?, true)`, [target.tenant_id]);
      const row = await lookup(trx);
      if (!row) throw new Error('RLS hid the row of the right tenant');
    }),
  );
  await app.transaction(async (trx) => {
    await trx.raw(`select set_config('parley.tenant_id', ?, true)`, [
      '00000000-0000-4000-8000-000000000000',
    ]);
    if (await lookup(trx)) throw new Error('RLS let another tenant see the row');
  });
  await app.destroy();
} finally {
  await owner.destroy();
  await admin.raw(`drop database ${DB} with (force)`);
  await admin.destroy();
}
console.log(`conversation lookup by a plain role under RLS, ${N} sequential calls`);
console.log(table(['path', 'p50 ms', 'p99 ms'], rows));
