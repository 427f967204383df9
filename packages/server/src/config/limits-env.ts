/**
 * Server-wide defaults for rate limits and quotas. A tenant's
 * `settings.rateLimits` / `settings.quotas` override them field by field.
 */
export interface RateLimitDefaults {
  /** Requests (REST calls, turns, WebSocket sends) per end user per minute. */
  userPerMinute: number;
  /** Requests per tenant per minute, across all its users and keys. */
  tenantPerMinute: number;
  /** Calls per API key (sk_ or pk_) per minute. */
  apiKeyPerMinute: number;
  /** Session creations with a publishable key per client IP per minute. */
  sessionsPerMinutePerIp: number;
  /** Login and signup attempts per client IP per 15 minutes. */
  loginPerIpPer15Min: number;
  /** Login attempts per account (tenant + email) per 15 minutes. */
  loginPerAccountPer15Min: number;
}

export interface QuotaLimits {
  messagesPerDay?: number;
  messagesPerMonth?: number;
  tokensPerDay?: number;
  tokensPerMonth?: number;
}

export interface LimitDefaults {
  rateLimits: RateLimitDefaults;
  /** Unset fields mean unlimited. */
  quotas: { tenant: QuotaLimits; user: QuotaLimits };
}

type Env = Record<string, string | undefined>;

function positive(env: Env, name: string, problems: string[]): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    problems.push(`${name} must be an integer >= 1 (got "${raw}")`);
    return undefined;
  }
  return n;
}

const QUOTA_FIELDS = {
  messagesPerDay: 'MESSAGES_PER_DAY',
  messagesPerMonth: 'MESSAGES_PER_MONTH',
  tokensPerDay: 'TOKENS_PER_DAY',
  tokensPerMonth: 'TOKENS_PER_MONTH',
} as const;

function quotas(env: Env, scope: 'TENANT' | 'USER', problems: string[]): QuotaLimits {
  const out: QuotaLimits = {};
  for (const [field, suffix] of Object.entries(QUOTA_FIELDS)) {
    const v = positive(env, `PARLEY_QUOTA_${scope}_${suffix}`, problems);
    if (v !== undefined) out[field as keyof QuotaLimits] = v;
  }
  return out;
}

export function loadLimitDefaults(env: Env, problems: string[]): LimitDefaults {
  const rl = (name: string, fallback: number) =>
    positive(env, `PARLEY_RATE_LIMIT_${name}`, problems) ?? fallback;
  return {
    rateLimits: {
      userPerMinute: rl('USER_PER_MINUTE', 120),
      tenantPerMinute: rl('TENANT_PER_MINUTE', 6000),
      apiKeyPerMinute: rl('API_KEY_PER_MINUTE', 600),
      sessionsPerMinutePerIp: rl('SESSIONS_PER_MINUTE_PER_IP', 60),
      loginPerIpPer15Min: rl('LOGIN_PER_IP_PER_15_MIN', 100),
      loginPerAccountPer15Min: rl('LOGIN_PER_ACCOUNT_PER_15_MIN', 10),
    },
    quotas: { tenant: quotas(env, 'TENANT', problems), user: quotas(env, 'USER', problems) },
  };
}

/** `JWT_PREVIOUS_SECRET_KEYS`: comma-separated, still accepted for verification only. */
export function loadPreviousJwtSecrets(env: Env, problems: string[]): string[] {
  const raw = env.JWT_PREVIOUS_SECRET_KEYS?.trim();
  if (!raw) return [];
  const secrets = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (secrets.some((s) => s.length < 32)) {
    problems.push('every JWT_PREVIOUS_SECRET_KEYS entry must be at least 32 characters');
  }
  return secrets;
}
