import type { Knex } from 'knex';
import type { QuotaLimits } from '../config/limits-env.js';
import type { ServerConfig } from '../config/env.js';
import type { QuotaCheck } from '../infra/rate-limiter.js';
import type { TenantSettings } from '../tenants/settings.js';

export type QuotaScope = 'tenant' | 'user';
export type QuotaPeriod = 'day' | 'month';
export type QuotaMetric = 'messages' | 'tokens';

/** One configured quota, as a counter key the rate limiter reads atomically. */
export interface QuotaCounter extends QuotaCheck {
  scope: QuotaScope;
  period: QuotaPeriod;
  metric: QuotaMetric;
  /** When the period ends (UTC), for Retry-After and the counter's TTL. */
  endsAt: number;
}

const FIELDS: [keyof QuotaLimits, QuotaMetric, QuotaPeriod][] = [
  ['messagesPerDay', 'messages', 'day'],
  ['messagesPerMonth', 'messages', 'month'],
  ['tokensPerDay', 'tokens', 'day'],
  ['tokensPerMonth', 'tokens', 'month'],
];

export function effectiveQuotas(
  config: ServerConfig,
  settings: TenantSettings | undefined,
): { tenant: QuotaLimits; user: QuotaLimits } {
  const d = config.limits.quotas;
  return {
    tenant: { ...d.tenant, ...settings?.quotas?.tenant },
    user: { ...d.user, ...settings?.quotas?.user },
  };
}

function periodOf(period: QuotaPeriod, now: Date): { id: string; start: Date; end: Date } {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  if (period === 'month') {
    return {
      id: `m${y}${String(m + 1).padStart(2, '0')}`,
      start: new Date(Date.UTC(y, m, 1)),
      end: new Date(Date.UTC(y, m + 1, 1)),
    };
  }
  const d = now.getUTCDate();
  const start = new Date(Date.UTC(y, m, d));
  return {
    id: `d${start.toISOString().slice(0, 10).replaceAll('-', '')}`,
    start,
    end: new Date(Date.UTC(y, m, d + 1)),
  };
}

/** The counters to check for this user's turn; empty when no quota is configured. */
export function quotaCounters(
  limits: { tenant: QuotaLimits; user: QuotaLimits },
  auth: { tenantId: string; userId: string },
  now: Date,
): QuotaCounter[] {
  const out: QuotaCounter[] = [];
  for (const scope of ['tenant', 'user'] as const) {
    const owner = scope === 'tenant' ? auth.tenantId : `${auth.tenantId}:${auth.userId}`;
    for (const [field, metric, period] of FIELDS) {
      const limit = limits[scope][field];
      if (limit === undefined) continue;
      const p = periodOf(period, now);
      out.push({
        key: `${scope}:${owner}:${metric}:${p.id}`,
        limit,
        scope,
        period,
        metric,
        endsAt: p.end.getTime(),
      });
    }
  }
  return out;
}

/**
 * The usage so far, summed from the `usage` table (one query for all eight
 * sums), for counters the shared store does not hold yet.
 */
export async function usageFromDatabase(
  knex: Knex,
  auth: { tenantId: string; userId: string },
  counters: QuotaCounter[],
  now: Date,
): Promise<{ key: string; value: number; ttlMs: number }[]> {
  if (!counters.length) return [];
  const day = periodOf('day', now).start.toISOString().slice(0, 10);
  const month = periodOf('month', now).start.toISOString().slice(0, 10);
  const tokens = 'input_tokens + output_tokens';
  const { rows } = await knex.raw(
    `select
       coalesce(sum(messages) filter (where day = ?::date), 0)::bigint as tenant_messages_day,
       coalesce(sum(messages), 0)::bigint as tenant_messages_month,
       coalesce(sum(${tokens}) filter (where day = ?::date), 0)::bigint as tenant_tokens_day,
       coalesce(sum(${tokens}), 0)::bigint as tenant_tokens_month,
       coalesce(sum(messages) filter (where user_id = ? and day = ?::date), 0)::bigint as user_messages_day,
       coalesce(sum(messages) filter (where user_id = ?), 0)::bigint as user_messages_month,
       coalesce(sum(${tokens}) filter (where user_id = ? and day = ?::date), 0)::bigint as user_tokens_day,
       coalesce(sum(${tokens}) filter (where user_id = ?), 0)::bigint as user_tokens_month
     from usage where tenant_id = ? and day >= ?::date`,
    [day, day, auth.userId, day, auth.userId, auth.userId, day, auth.userId, auth.tenantId, month],
  );
  const sums = rows[0] as Record<string, string | number>;
  return counters.map((c) => ({
    key: c.key,
    value: Number(sums[`${c.scope}_${c.metric}_${c.period}`] ?? 0),
    // An hour past the period's end, so a late turn still finds its counter.
    ttlMs: Math.max(1000, c.endsAt - now.getTime() + 3_600_000),
  }));
}
