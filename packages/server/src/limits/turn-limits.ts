import type { AppServices } from '../app-services.js';
import { DomainError } from '../errors/domain-error.js';
import { rateLimitedError, rateLimitHeaders } from '../http/rate-limit.js';
import type { CachedTenant } from '../tenants/tenant-cache.js';
import { effectiveRateLimits, userRules } from './limit-rules.js';
import type { QuotaCounter } from './quotas.js';
import { effectiveQuotas, quotaCounters, usageFromDatabase } from './quotas.js';

export interface TurnAuth {
  tenantId: string;
  userId: string;
}

/**
 * Everything that may refuse a turn for volume, before any provider call:
 * the per-user and per-tenant request rate and the day/month quotas, in ONE
 * Redis round trip (a quota counter is seeded from `usage` on first sight).
 * Shared by SSE, JSON and WebSocket turns (prepareTurn) and callable from the
 * WebSocket handler directly. Returns the RateLimit-* headers to send.
 */
export async function checkTurnLimits(
  services: AppServices,
  auth: TurnAuth,
  tenant?: CachedTenant | null,
): Promise<Record<string, string>> {
  const t = tenant ?? (await services.tenants.get(auth.tenantId));
  const rules = userRules(effectiveRateLimits(services.config, t?.settings), auth);
  const now = services.clock.now();
  const counters = quotaCounters(
    effectiveQuotas(services.config, t?.settings),
    auth,
    new Date(now),
  );
  const limiter = services.infra.rateLimiter;
  let r = await limiter.check(rules, counters, now);
  if (r.kind === 'missing') {
    const missing = counters.filter((c) => r.kind === 'missing' && r.quotas.includes(c));
    const usage = await usageFromDatabase(services.knex, auth, missing, new Date(now));
    await limiter.seed(usage, now);
    r = await limiter.check(rules, counters, now);
  }
  if (r.kind === 'missing') {
    // Seeded a moment ago and already gone (evicted): count this turn rather than refuse it.
    services.log.warn({ tenantId: auth.tenantId }, 'quota counters vanished after seeding');
    r = await limiter.check(rules, [], now);
  }
  if (r.kind === 'quota') throw quotaExceeded(r.quota as QuotaCounter, r.used, now);
  if (r.kind !== 'rate') throw new Error('unreachable');
  if (!r.allowed) throw rateLimitedError(r);
  return rateLimitHeaders(r);
}

function quotaExceeded(q: QuotaCounter, used: number, now: number): DomainError {
  const retryAfter = Math.max(1, Math.ceil((q.endsAt - now) / 1000));
  const who = q.scope === 'tenant' ? 'This workspace' : 'You';
  return new DomainError(
    'quota_exceeded',
    `${who} reached the ${q.period === 'day' ? 'daily' : 'monthly'} ${q.metric} quota`,
    { scope: q.scope, period: q.period, metric: q.metric, limit: q.limit, used, retryAfter },
    { 'Retry-After': String(retryAfter) },
  );
}

/**
 * After a turn's usage row is written: add it to the cached quota counters.
 * Off the hot path (after the last token). Counters not in the store are
 * skipped: the next check seeds them from `usage`, which already has this turn.
 */
export async function recordTurnUsage(
  services: AppServices,
  auth: TurnAuth,
  usage: { messages: number; tokens: number },
): Promise<void> {
  const t = await services.tenants.get(auth.tenantId);
  const now = services.clock.now();
  const counters = quotaCounters(
    effectiveQuotas(services.config, t?.settings),
    auth,
    new Date(now),
  );
  if (!counters.length) return;
  await services.infra.rateLimiter.add(
    counters.map((c) => ({
      key: c.key,
      amount: c.metric === 'messages' ? usage.messages : usage.tokens,
    })),
    now,
  );
}
