/** One limit to check: at most `limit` hits per `windowMs` for `key`. */
export interface RateLimitRule {
  key: string;
  limit: number;
  windowMs: number;
  cost?: number;
}

/** A usage counter that must stay below `limit` (quotas); counted elsewhere, only read here. */
export interface QuotaCheck {
  key: string;
  limit: number;
}

export interface RateLimitResult {
  allowed: boolean;
  /** The rule that decided the outcome: the first one refused, else the tightest. */
  rule: RateLimitRule;
  remaining: number;
  /** Milliseconds until the deciding rule's current window ends. */
  resetMs: number;
  /** When refused: milliseconds until this request would be allowed. */
  retryAfterMs: number;
}

export type LimitResult =
  | ({ kind: 'rate' } & RateLimitResult)
  | { kind: 'quota'; quota: QuotaCheck; used: number }
  /** Quota counters absent from the store: seed them from the database, then check again. */
  | { kind: 'missing'; quotas: QuotaCheck[] };

/**
 * Sliding-window counters plus quota counters. `check` reads every quota and
 * checks every rule in one atomic step (one Redis round trip), and counts the
 * hit only if all allow it, so a refused request consumes nothing.
 */
export interface RateLimiter {
  /** `now`: epoch ms from the server's clock (windows are computed from it, not from the store). */
  hit(rules: RateLimitRule[], now: number): Promise<RateLimitResult>;
  check(rules: RateLimitRule[], quotas: QuotaCheck[], now: number): Promise<LimitResult>;
  /** Sets quota counters that are absent (values summed from the `usage` table). */
  seed(counters: { key: string; value: number; ttlMs: number }[], now: number): Promise<void>;
  /** Adds to quota counters that exist; absent ones are seeded from the database later. */
  add(counters: { key: string; amount: number }[], now: number): Promise<void>;
}

/**
 * Approximate sliding window from two fixed windows (Cloudflare's method):
 * count = prev * (1 - elapsed/window) + current. Exact under concurrency
 * because each implementation evaluates all rules in one atomic step.
 */
export function slidingCount(prev: number, curr: number, elapsedFraction: number): number {
  return prev * (1 - elapsedFraction) + curr;
}

/**
 * How long until `cost` more fits: first while the previous window's weight
 * fades in this window, else into the next window (where `curr` becomes prev).
 * Mirrored in the Lua script of redis-rate-limiter.ts.
 */
export function retryAfterMs(
  prev: number,
  curr: number,
  cost: number,
  limit: number,
  windowMs: number,
  elapsedMs: number,
): number {
  if (cost > limit) return windowMs * 2;
  if (curr + cost <= limit && prev > 0) {
    const fraction = 1 - (limit - curr - cost) / prev;
    return Math.max(1, Math.ceil(fraction * windowMs - elapsedMs));
  }
  const next = curr > 0 ? Math.max(0, Math.ceil((1 - (limit - cost) / curr) * windowMs)) : 0;
  return Math.max(1, windowMs - elapsedMs + next);
}

interface Window {
  start: number;
  prev: number;
  curr: number;
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly counters = new Map<string, { value: number; expires: number }>();

  async hit(rules: RateLimitRule[], now: number): Promise<RateLimitResult> {
    const r = await this.check(rules, [], now);
    if (r.kind !== 'rate') throw new Error('unreachable: no quotas were checked');
    return r;
  }

  async check(rules: RateLimitRule[], quotas: QuotaCheck[], now: number): Promise<LimitResult> {
    const missing: QuotaCheck[] = [];
    for (const q of quotas) {
      const c = this.counters.get(q.key);
      if (!c || c.expires <= now) missing.push(q);
      else if (c.value >= q.limit) return { kind: 'quota', quota: q, used: c.value };
    }
    if (missing.length) return { kind: 'missing', quotas: missing };
    return { kind: 'rate', ...this.rate(rules, now) };
  }

  private rate(rules: RateLimitRule[], now: number): RateLimitResult {
    const states = rules.map((rule) => {
      const start = Math.floor(now / rule.windowMs) * rule.windowMs;
      let w = this.windows.get(rule.key);
      if (!w || w.start !== start) {
        const prev = w && w.start === start - rule.windowMs ? w.curr : 0;
        w = { start, prev, curr: 0 };
        this.windows.set(rule.key, w);
      }
      const elapsedMs = now - start;
      const count = slidingCount(w.prev, w.curr, elapsedMs / rule.windowMs);
      const cost = rule.cost ?? 1;
      return { rule, w, count, cost, elapsedMs, resetMs: Math.ceil(rule.windowMs - elapsedMs) };
    });
    const refused = states.find((s) => s.count + s.cost > s.rule.limit);
    if (refused) {
      const { w, cost, rule, elapsedMs } = refused;
      return {
        allowed: false,
        rule,
        remaining: 0,
        resetMs: refused.resetMs,
        retryAfterMs: retryAfterMs(w.prev, w.curr, cost, rule.limit, rule.windowMs, elapsedMs),
      };
    }
    for (const s of states) s.w.curr += s.cost;
    this.prune(now);
    const tightest = states.reduce((a, b) =>
      b.rule.limit - b.count - b.cost < a.rule.limit - a.count - a.cost ? b : a,
    );
    return {
      allowed: true,
      rule: tightest.rule,
      remaining: Math.max(0, Math.floor(tightest.rule.limit - tightest.count - tightest.cost)),
      resetMs: tightest.resetMs,
      retryAfterMs: 0,
    };
  }

  async seed(
    counters: { key: string; value: number; ttlMs: number }[],
    now: number,
  ): Promise<void> {
    for (const c of counters) {
      const cur = this.counters.get(c.key);
      if (!cur || cur.expires <= now)
        this.counters.set(c.key, { value: c.value, expires: now + c.ttlMs });
    }
  }

  async add(counters: { key: string; amount: number }[], now: number): Promise<void> {
    for (const c of counters) {
      const cur = this.counters.get(c.key);
      if (cur && cur.expires > now) cur.value += c.amount;
    }
  }

  private lastPrune = 0;
  private prune(now: number): void {
    if (now - this.lastPrune < 60_000) return;
    this.lastPrune = now;
    for (const [key, w] of this.windows)
      if (now - w.start > 3_600_000 * 24) this.windows.delete(key);
    for (const [key, c] of this.counters) if (c.expires <= now) this.counters.delete(key);
  }
}
