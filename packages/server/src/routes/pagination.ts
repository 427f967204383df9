import type { Knex } from 'knex';
import { invalid } from '../errors/domain-error.js';
import { isUuid } from '../util/uuid.js';

/** Opaque keyset cursor: (timestamp, id) of the last row, newest first. */
function encode(ts: Date, id: string): string {
  return Buffer.from(JSON.stringify([ts.toISOString(), id])).toString('base64url');
}

/** Exactly what `encode` writes: a UTC ISO timestamp with milliseconds, years 0001–9999. */
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * A cursor this API issued, or a 400: an id that is not a UUID or a date that
 * does not exist (Feb 30, year 275760) would otherwise reach PostgreSQL's casts.
 */
function decode(cursor: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && isTimestamp(v[0]) && isUuid(v[1])) {
      return [v[0], v[1]];
    }
  } catch {
    /* fall through */
  }
  throw invalid('Invalid cursor', [{ path: '/cursor', message: 'not a cursor from this API' }]);
}

function isTimestamp(value: unknown): value is string {
  if (typeof value !== 'string' || !ISO_MS.test(value)) return false;
  const date = new Date(value);
  // Round trip: Date rolls Feb 30 over to Mar 1, so an impossible date does not come back.
  return !Number.isNaN(date.getTime()) && date.toISOString() === value && !value.startsWith('0000');
}

export async function paginate<T extends Record<string, unknown>>(
  query: Knex.QueryBuilder,
  q: { limit: number; cursor?: string },
  column: string,
): Promise<{ rows: T[]; nextCursor: string | null }> {
  if (q.cursor) {
    const [ts, id] = decode(q.cursor);
    query.whereRaw(`(${column}, id) < (?::timestamptz, ?::uuid)`, [ts, id]);
  }
  const rows = (await query
    .orderBy([
      { column, order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(q.limit + 1)) as T[];
  const more = rows.length > q.limit;
  if (more) rows.pop();
  const last = rows[rows.length - 1];
  return {
    rows,
    nextCursor: more && last ? encode(new Date(last[column] as string), last.id as string) : null,
  };
}
