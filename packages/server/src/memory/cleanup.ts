import type { Knex } from 'knex';
import { DEFAULT_PER_USER_CAP, MEMORY_KINDS } from './memory-policy.js';

export interface CleanupCounts {
  expired: number;
  retention: number;
  kinds: number;
  decayed: number;
  merged: number;
  overCap: number;
}

export interface CleanupOptions {
  /** Memories at least this similar (cosine) are merged into the newer one. */
  duplicateSimilarity: number;
  /** Only memories changed since then are checked for duplicates; null checks all. */
  since: Date | null;
  /** Importance multiplier for memories unused for `idleDays`, per run. */
  decayFactor: number;
  idleDays?: number;
}

// Each tenant's policy, read in SQL so one statement covers every tenant.
const POLICY = `(select t.id as tenant_id,
    nullif(t.settings->'memory'->>'retentionDays', '')::int as retention_days,
    coalesce(nullif(t.settings->'memory'->>'perUserCap', '')::int, ${DEFAULT_PER_USER_CAP}) as cap,
    coalesce(t.settings->'memory'->'kinds', '${JSON.stringify(MEMORY_KINDS)}'::jsonb) as kinds
  from tenants t)`;

/**
 * The scheduled memory housekeeping, in this order: drop expired rows and
 * rows past the tenant's retention or of kinds it no longer keeps; decay
 * the importance of memories nobody used for a while; merge near-duplicates
 * (the older is superseded by the newer, provenance combined); finally cut
 * each user to the tenant's cap, lowest value first (history before current).
 */
export async function runCleanup(knex: Knex, opts: CleanupOptions): Promise<CleanupCounts> {
  const count = async (sql: string, b: Knex.RawBinding[] = []): Promise<number> =>
    rowCount((await knex.raw(sql, b)) as { rowCount?: number; affectedRows?: number });

  const expired = await count(`delete from memories where expires_at <= now()`);
  const retention = await count(
    `delete from memories m using ${POLICY} p
      where p.tenant_id = m.tenant_id and p.retention_days is not null
        and m.created_at < now() - make_interval(days => p.retention_days)`,
  );
  const kinds = await count(
    `delete from memories m using ${POLICY} p
      where p.tenant_id = m.tenant_id and not jsonb_exists(p.kinds, m.kind)`,
  );
  const decayed = await count(
    `update memories set importance = importance * ?
      where invalidated_at is null and importance > 0.01
        and coalesce(last_accessed_at, created_at) < now() - make_interval(days => ?)`,
    [opts.decayFactor, opts.idleDays ?? 30],
  );
  const merged = await mergeDuplicates(knex, opts);
  const overCap = await count(
    `delete from memories where id in (
       select id from (
         select m.id, p.cap, row_number() over (
           partition by m.tenant_id, m.user_id
           order by (m.invalidated_at is null) desc,
                    m.importance * power(0.5, extract(epoch from now() - greatest(m.created_at, m.last_accessed_at)) / 86400 / 30) desc,
                    m.created_at desc) as n
         from memories m join ${POLICY} p on p.tenant_id = m.tenant_id) r
       where r.n > r.cap)`,
  );
  return { expired, retention, kinds, decayed, merged, overCap };
}

/** For each recent memory, its nearest older twin of the same user, if close enough, is retired. */
async function mergeDuplicates(knex: Knex, opts: CleanupOptions): Promise<number> {
  const { rows } = (await knex.raw(
    `select n.id as newer, o.id as older, o.importance as older_importance, o.source_message_ids as older_sources
       from memories n
       cross join lateral (
         select id, importance, source_message_ids, embedding <=> n.embedding as d
           from memories o
          where o.tenant_id = n.tenant_id and o.user_id = n.user_id and o.id <> n.id
            and o.invalidated_at is null and o.embedding is not null
            and (o.created_at, o.id) < (n.created_at, n.id)
          order by o.embedding <=> n.embedding limit 1) o
      where n.invalidated_at is null and n.embedding is not null
        and (?::timestamptz is null or n.updated_at >= ?::timestamptz)
        and o.d <= ?`,
    [opts.since, opts.since, 1 - opts.duplicateSimilarity],
  )) as { rows: { newer: string; older: string }[] };
  let merged = 0;
  for (const r of rows) {
    const n = await knex.transaction(async (trx) => {
      const retired = await trx('memories')
        .where({ id: r.older })
        .whereNull('invalidated_at')
        .update({ invalidated_at: trx.fn.now(), superseded_by: r.newer, updated_at: trx.fn.now() })
        .returning(['importance', 'source_message_ids']);
      const old = retired[0] as { importance: number; source_message_ids: unknown } | undefined;
      if (!old) return 0;
      await trx('memories')
        .where({ id: r.newer })
        .update({
          importance: trx.raw('greatest(importance, ?)', [old.importance]),
          source_message_ids: trx.raw(
            `(select coalesce(jsonb_agg(distinct e), '[]'::jsonb) from jsonb_array_elements(source_message_ids || ?::jsonb) e)`,
            [
              typeof old.source_message_ids === 'string'
                ? old.source_message_ids
                : JSON.stringify(old.source_message_ids),
            ],
          ),
        });
      return 1;
    });
    merged += n;
  }
  return merged;
}

/** node-postgres says `rowCount`; PGlite says `affectedRows`. */
function rowCount(r: { rowCount?: number | null; affectedRows?: number }): number {
  return Number(r.rowCount ?? r.affectedRows ?? 0);
}
