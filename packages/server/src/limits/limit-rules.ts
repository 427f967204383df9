import type { RateLimitDefaults } from '../config/limits-env.js';
import type { ServerConfig } from '../config/env.js';
import type { RateLimitRule } from '../infra/rate-limiter.js';
import type { TenantSettings } from '../tenants/settings.js';

const MINUTE = 60_000;
const QUARTER_HOUR = 15 * MINUTE;

/** The server defaults, overridden field by field by the tenant's `settings.rateLimits`. */
export function effectiveRateLimits(
  config: Pick<ServerConfig, 'limits'>,
  settings: TenantSettings | undefined,
): RateLimitDefaults {
  return { ...config.limits.rateLimits, ...settings?.rateLimits };
}

/** Every end-user request (REST call, turn, WebSocket send): per user and per tenant. */
export function userRules(
  limits: RateLimitDefaults,
  auth: { tenantId: string; userId: string },
): RateLimitRule[] {
  return [
    { key: `u:${auth.tenantId}:${auth.userId}`, limit: limits.userPerMinute, windowMs: MINUTE },
    { key: `t:${auth.tenantId}`, limit: limits.tenantPerMinute, windowMs: MINUTE },
  ];
}

/** API-key calls: per key and per tenant; a publishable key also per client IP. */
export function apiKeyRules(
  limits: RateLimitDefaults,
  key: { keyId: string; tenantId: string; type: 'secret' | 'publishable' },
  ip: string,
): RateLimitRule[] {
  const rules: RateLimitRule[] = [
    { key: `k:${key.keyId}`, limit: limits.apiKeyPerMinute, windowMs: MINUTE },
    { key: `t:${key.tenantId}`, limit: limits.tenantPerMinute, windowMs: MINUTE },
  ];
  if (key.type === 'publishable') {
    rules.push({
      key: `ip-sessions:${key.tenantId}:${ip}`,
      limit: limits.sessionsPerMinutePerIp,
      windowMs: MINUTE,
    });
  }
  return rules;
}

/**
 * Login and signup: per client IP, and per account (hash of tenant + email),
 * counted whether or not the account exists so throttling reveals nothing.
 */
export function loginRules(
  limits: RateLimitDefaults,
  tenantId: string,
  ip: string,
  accountHash: string | null,
): RateLimitRule[] {
  const rules: RateLimitRule[] = [
    { key: `ip-login:${tenantId}:${ip}`, limit: limits.loginPerIpPer15Min, windowMs: QUARTER_HOUR },
  ];
  if (accountHash) {
    rules.push({
      key: `acct-login:${tenantId}:${accountHash}`,
      limit: limits.loginPerAccountPer15Min,
      windowMs: QUARTER_HOUR,
    });
  }
  return rules;
}
