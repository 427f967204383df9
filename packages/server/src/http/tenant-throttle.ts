import type { Context } from 'koa';
import type { Clock } from '../clock/clock.js';
import type { RateLimitDefaults } from '../config/limits-env.js';
import type { ServerConfig } from '../config/env.js';
import type { RateLimiter, RateLimitRule } from '../infra/rate-limiter.js';
import { effectiveRateLimits } from '../limits/limit-rules.js';
import type { TenantCache } from '../tenants/tenant-cache.js';
import { enforceRateLimit } from './rate-limit.js';

/**
 * Counts one request against rules built from the tenant's effective rate
 * limits (one Redis call), sets the RateLimit-* headers, and refuses with
 * 429 when any rule is full. For routes whose auth cannot count for them.
 */
export type TenantThrottle = (
  ctx: Context,
  tenantId: string,
  rules: (limits: RateLimitDefaults) => RateLimitRule[],
) => Promise<void>;

export function tenantThrottle(deps: {
  config: Pick<ServerConfig, 'limits'>;
  tenants: Pick<TenantCache, 'get'>;
  rateLimiter: Pick<RateLimiter, 'hit'>;
  clock: Pick<Clock, 'now'>;
}): TenantThrottle {
  return async (ctx, tenantId, rules) => {
    const tenant = await deps.tenants.get(tenantId);
    const limits = effectiveRateLimits(deps.config, tenant?.settings);
    await enforceRateLimit(ctx, { infra: deps, clock: deps.clock }, rules(limits));
  };
}
