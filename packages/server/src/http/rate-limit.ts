import type { Clock } from '../clock/clock.js';
import type { Context } from 'koa';
import type { RateLimiter, RateLimitResult, RateLimitRule } from '../infra/rate-limiter.js';
import { DomainError } from '../errors/domain-error.js';

/** Headers every client (and the SDK's retry logic) can read; exposed over CORS. */
export const RATE_LIMIT_HEADERS = ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'];

export function rateLimitHeaders(r: RateLimitResult): Record<string, string> {
  const headers: Record<string, string> = {
    'RateLimit-Limit': String(r.rule.limit),
    'RateLimit-Remaining': String(r.remaining),
    'RateLimit-Reset': String(Math.max(1, Math.ceil(r.resetMs / 1000))),
  };
  if (!r.allowed) headers['Retry-After'] = String(Math.max(1, Math.ceil(r.retryAfterMs / 1000)));
  return headers;
}

export function rateLimitedError(r: RateLimitResult): DomainError {
  const headers = rateLimitHeaders(r);
  return new DomainError(
    'rate_limited',
    'Too many requests; retry after the time in Retry-After',
    { retryAfter: Number(headers['Retry-After']) },
    headers,
  );
}

/**
 * Counts one request against `rules` (one atomic Redis call), sets the
 * RateLimit-* headers, and refuses with 429 `rate_limited` when any is full.
 */
export async function enforceRateLimit(
  ctx: Context,
  services: { infra: { rateLimiter: Pick<RateLimiter, 'hit'> }; clock: Pick<Clock, 'now'> },
  rules: RateLimitRule[],
): Promise<void> {
  const r = await services.infra.rateLimiter.hit(rules, services.clock.now());
  if (!r.allowed) throw rateLimitedError(r);
  ctx.set(rateLimitHeaders(r));
}
