import type { QuotaLimits } from '../config/limits-env.js';

/** Per-tenant behaviour. Stored as JSON on the tenant; every field optional. */
export interface TenantSettings {
  /** System prompt: who the agent is for this product. */
  persona?: string;
  /** `provider:model`, e.g. `openai:gpt-4o-mini`, then fallbacks in order. */
  models?: string[];
  enabledTools?: string[];
  rateLimits?: {
    userPerMinute?: number;
    tenantPerMinute?: number;
    sessionsPerMinutePerIp?: number;
    apiKeyPerMinute?: number;
    loginPerIpPer15Min?: number;
    loginPerAccountPer15Min?: number;
  };
  /** Usage caps counted from the `usage` table (UTC days and months); unset = server default. */
  quotas?: { tenant?: QuotaLimits; user?: QuotaLimits };
  memory?: {
    enabled?: boolean;
    /** Memories older than this are deleted by the cleanup job. */
    retentionDays?: number;
    /** Most memories kept per user; the lowest-value ones go first. */
    perUserCap?: number;
    /** Kinds of memory to keep, e.g. `['fact', 'preference']`; all when unset. */
    kinds?: ('fact' | 'preference' | 'event' | 'goal')[];
  };
}

const quotaLimitsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    messagesPerDay: { type: 'integer', minimum: 1 },
    messagesPerMonth: { type: 'integer', minimum: 1 },
    tokensPerDay: { type: 'integer', minimum: 1 },
    tokensPerMonth: { type: 'integer', minimum: 1 },
  },
} as const;

export const tenantSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    persona: { type: 'string', maxLength: 8000 },
    models: {
      type: 'array',
      maxItems: 5,
      items: { type: 'string', pattern: '^[a-z0-9-]+:[A-Za-z0-9._:/-]+$', maxLength: 200 },
    },
    enabledTools: { type: 'array', maxItems: 50, items: { type: 'string', maxLength: 64 } },
    rateLimits: {
      type: 'object',
      additionalProperties: false,
      properties: {
        userPerMinute: { type: 'integer', minimum: 1, maximum: 100000 },
        tenantPerMinute: { type: 'integer', minimum: 1, maximum: 10000000 },
        sessionsPerMinutePerIp: { type: 'integer', minimum: 1, maximum: 100000 },
        apiKeyPerMinute: { type: 'integer', minimum: 1, maximum: 10000000 },
        loginPerIpPer15Min: { type: 'integer', minimum: 1, maximum: 100000 },
        loginPerAccountPer15Min: { type: 'integer', minimum: 1, maximum: 1000 },
      },
    },
    quotas: {
      type: 'object',
      additionalProperties: false,
      properties: { tenant: quotaLimitsSchema, user: quotaLimitsSchema },
    },
    memory: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        retentionDays: { type: 'integer', minimum: 1, maximum: 36500 },
        perUserCap: { type: 'integer', minimum: 1, maximum: 100000 },
        kinds: {
          type: 'array',
          uniqueItems: true,
          maxItems: 4,
          items: { enum: ['fact', 'preference', 'event', 'goal'] },
        },
      },
    },
  },
} as const;

export const DEFAULT_PERSONA =
  'You are a helpful assistant embedded in a product. Answer concisely and accurately.';
