import { randomBytes } from 'node:crypto';
import path from 'node:path';
import knexFactory from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationSource } from '../../../migrations/index.js';
import { openDatabase } from '../../server/src/db/connect.js';
import { emptyDir, runCli } from './helpers/run-cli.js';

const pgUrl = process.env.TEST_DATABASE_URL;
let env: Record<string, string>;
let dropDatabase: (() => Promise<void>) | null = null;
const cwd = emptyDir();

/** An empty database for the command to migrate: PostgreSQL when configured, else a PGlite dir. */
beforeAll(async () => {
  if (!pgUrl) {
    env = { PARLEY_DATA_DIR: path.join(cwd, 'data') };
    return;
  }
  const name = `parley_cli_${randomBytes(5).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: pgUrl, pool: { min: 0, max: 1 } });
  await admin.raw(`create database ${name}`);
  await admin.destroy();
  const u = new URL(pgUrl);
  u.pathname = `/${name}`;
  env = { DATABASE_URL: u.toString() };
  dropDatabase = async () => {
    const cleanup = knexFactory({ client: 'pg', connection: pgUrl, pool: { min: 0, max: 1 } });
    await cleanup.raw(`drop database if exists ${name} with (force)`);
    await cleanup.destroy();
  };
});
afterAll(async () => {
  await dropDatabase?.();
});

async function tables(): Promise<string[]> {
  const db = await openDatabase({
    url: env.DATABASE_URL ?? null,
    dataDir: env.PARLEY_DATA_DIR ?? null,
    pool: { min: 0, max: 1 },
  });
  try {
    const res = await db.knex.raw(
      `select table_name from information_schema.tables where table_schema = 'public' order by 1`,
    );
    return res.rows.map((r: { table_name: string }) => r.table_name);
  } finally {
    await db.close();
  }
}

describe('parley migrate', () => {
  it('applies every migration with a line each, then rolls them back', async () => {
    const all = (await migrationSource.getMigrations([])) as string[];

    const first = await runCli(['migrate'], { env, cwd });
    expect(first.stderr).toMatch(/^Migrating (PostgreSQL|embedded PGlite)/);
    expect(first.code).toBe(0);
    const lines = first.stdout.trimEnd().split('\n');
    expect(lines.slice(0, -1).map((l) => l.match(/^ {2}↑ (\S+) {2}\d+ ms$/)?.[1])).toEqual(all);
    expect(lines.at(-1)).toBe(
      `Applied ${all.length} migration${all.length === 1 ? '' : 's'}; the database is up to date.`,
    );
    expect(await tables()).toEqual(expect.arrayContaining(['tenants', 'api_keys', 'messages']));

    const again = await runCli(['migrate'], { env, cwd });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('Already up to date.\n');

    const back = await runCli(['--json', 'migrate', '--rollback'], { env, cwd });
    expect(back.code).toBe(0);
    expect(JSON.parse(back.stdout)).toEqual({
      database: pgUrl ? 'postgres' : 'pglite',
      rolledBack: [...all].reverse(),
    });
    expect(await tables()).not.toContain('tenants');

    const nothing = await runCli(['migrate', '--rollback'], { env, cwd });
    expect(nothing.stdout).toBe('Nothing to roll back.\n');
  });

  it('exits 2 for a DATABASE_URL that is not PostgreSQL', async () => {
    const res = await runCli(['migrate'], { env: { DATABASE_URL: 'mysql://localhost/x' }, cwd });
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('parley: DATABASE_URL must start with postgres:// (got "mysql:")\n');
  });

  it('exits 3 when PostgreSQL cannot be reached, without printing a stack', async () => {
    const res = await runCli(
      ['migrate', '--database-url', 'postgres://postgres@127.0.0.1:9/none'],
      {
        cwd,
      },
    );
    expect(res.code).toBe(3);
    expect(res.stderr).toBe(
      'parley: cannot reach PostgreSQL 127.0.0.1:9/none (ECONNREFUSED); is PostgreSQL running?\n',
    );
  });

  it.runIf(pgUrl)('exits 2 when the database does not exist', async () => {
    const u = new URL(pgUrl!);
    u.pathname = '/parley_no_such_db';
    const res = await runCli(['migrate', '--database-url', u.toString()], { cwd });
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(
      `parley: PostgreSQL ${u.host}/parley_no_such_db does not exist; create it first (createdb)\n`,
    );
  });
});
