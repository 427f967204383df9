/** One limit to check: at most `limit` hits per `windowMs` for `key`. */
export interface RateLimitRule {
  key: string;
  limit: number;
  windowMs: number;
  cost?: number;
}

export interface RateLimitResult {
  allowed: boolean;
  /** The rule that decided the outcome: the first one refused, else the tightest. */
  rule: RateLimitRule;
  remaining: number;
  /** Milliseconds until the window has room again. */
  resetMs: number;
}

/**
 * Sliding-window counters. `hit` checks all rules atomically and counts the
 * hit only if every rule allows it, so a refused request consumes nothing.
 */
export interface RateLimiter {
  hit(rules: RateLimitRule[], now?: number): Promise<RateLimitResult>;
}

/**
 * Approximate sliding window from two fixed windows (Cloudflare's method):
 * count = prev * (1 - elapsed/window) + current. Exact under concurrency
 * because each implementation evaluates all rules in one atomic step.
 */
export function slidingCount(prev: number, curr: number, elapsedFraction: number): number {
  return prev * (1 - elapsedFraction) + curr;
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { start: number; prev: number; curr: number }>();

  async hit(rules: RateLimitRule[], now = Date.now()): Promise<RateLimitResult> {
    const states = rules.map((rule) => {
      const start = Math.floor(now / rule.windowMs) * rule.windowMs;
      let w = this.windows.get(rule.key);
      if (!w || w.start !== start) {
        const prev = w && w.start === start - rule.windowMs ? w.curr : 0;
        w = { start, prev, curr: 0 };
        this.windows.set(rule.key, w);
      }
      const elapsed = (now - start) / rule.windowMs;
      const count = slidingCount(w.prev, w.curr, elapsed);
      const cost = rule.cost ?? 1;
      return { rule, w, count, cost, resetMs: Math.ceil(rule.windowMs - (now - start)) };
    });
    const refused = states.find((s) => s.count + s.cost > s.rule.limit);
    if (refused) {
      return { allowed: false, rule: refused.rule, remaining: 0, resetMs: refused.resetMs };
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
    };
  }

  private lastPrune = 0;
  private prune(now: number): void {
    if (now - this.lastPrune < 60_000) return;
    this.lastPrune = now;
    for (const [key, w] of this.windows)
      if (now - w.start > 3_600_000 * 24) this.windows.delete(key);
  }
}
