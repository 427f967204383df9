import path from 'node:path';
import { ConfigError, ConnectionError } from '../errors.js';
import type { CliIo } from '../io.js';

/** The database `parley migrate` works on: PostgreSQL from a URL, else the embedded PGlite dir. */
export type DatabaseTarget =
  | { kind: 'postgres'; url: string; label: string }
  | { kind: 'pglite'; dataDir: string; label: string };

export function databaseTarget(flagUrl: string | undefined, io: CliIo): DatabaseTarget {
  const raw = flagUrl?.trim() || io.env.DATABASE_URL?.trim();
  if (!raw) {
    const dataDir = path.resolve(io.cwd, io.env.PARLEY_DATA_DIR?.trim() || '.parley/data');
    return { kind: 'pglite', dataDir, label: `embedded PGlite in ${dataDir}` };
  }
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError('DATABASE_URL is not a valid URL');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new ConfigError(`DATABASE_URL must start with postgres:// (got "${u.protocol}")`);
  }
  // The label is printed: host and database only, never the password.
  return { kind: 'postgres', url: raw, label: `PostgreSQL ${u.host}${u.pathname}` };
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EAI_AGAIN',
]);

/** Driver errors that mean "fix your setup" become config/connection errors with a hint. */
export function databaseError(err: unknown, target: DatabaseTarget): Error {
  const e = err as { code?: string; message?: string; errors?: { code?: string }[] };
  const code = e?.code ?? e?.errors?.[0]?.code; // AggregateError when every address failed
  if (code && UNREACHABLE.has(code)) {
    return new ConnectionError(`cannot reach ${target.label} (${code}); is PostgreSQL running?`);
  }
  if (code === '3D000') {
    return new ConfigError(`${target.label} does not exist; create it first (createdb)`);
  }
  if (code === '28P01' || code === '28000') {
    return new ConfigError(`${target.label} refused the credentials in DATABASE_URL`);
  }
  return err instanceof Error ? err : new Error(String(err));
}
