import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/parley_bench';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** Answers `+PONG` to PING within a short time: Redis is there. */
export function redisReachable(url) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port || 6379) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) =>
      done(d.toString().startsWith('+PONG') || d.toString().includes('NOAUTH')),
    );
  });
}

/**
 * Prepares PostgreSQL for the run, or returns null when it is not usable.
 * The default bench database is dropped and recreated so every run starts
 * from the same empty state; a DATABASE_URL you pass is only created if
 * missing, never dropped.
 */
export async function preparePostgres(url, { fresh }) {
  const target = new URL(url);
  const dbName = decodeURIComponent(target.pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(dbName)) throw new Error(`unsupported database name "${dbName}"`);
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new pg.Client({
    connectionString: maintenance.toString(),
    connectionTimeoutMillis: 2000,
  });
  try {
    await client.connect();
  } catch (err) {
    return { ok: false, reason: `PostgreSQL not reachable (${err.code ?? err.message})` };
  }
  try {
    const vector = await client.query(
      `select 1 from pg_available_extensions where name = 'vector'`,
    );
    if (vector.rowCount === 0)
      return { ok: false, reason: 'pgvector is not installed in PostgreSQL' };
    if (fresh) await client.query(`drop database if exists ${dbName} with (force)`);
    const exists = await client.query('select 1 from pg_database where datname = $1', [dbName]);
    if (exists.rowCount === 0) await client.query(`create database ${dbName}`);
    return { ok: true };
  } finally {
    await client.end();
  }
}

/** Migrates with the built CLI, as an operator would (`parley migrate`). */
export function migrateWithCli(root, databaseUrl) {
  const cli = path.join(root, 'packages/cli/dist/index.js');
  if (!existsSync(cli)) return 'skipped (CLI not built; the server migrates on start)';
  const out = execFileSync(process.execPath, [cli, 'migrate'], {
    cwd: root,
    env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out.trim().split('\n').at(-1);
}
