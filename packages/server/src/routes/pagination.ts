import type { Knex } from 'knex';
import { invalid } from '../errors/domain-error.js';

/** Opaque keyset cursor: (timestamp, id) of the last row, newest first. */
function encode(ts: Date, id: string): string {
  return Buffer.from(JSON.stringify([ts.toISOString(), id])).toString('base64url');
}

function decode(cursor: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(v) &&
      typeof v[0] === 'string' &&
      typeof v[1] === 'string' &&
      !Number.isNaN(Date.parse(v[0]))
    ) {
      return [v[0], v[1]];
    }
  } catch {
    /* fall through */
  }
  throw invalid('Invalid cursor', [{ path: '/cursor', message: 'not a cursor from this API' }]);
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
