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
  };
  memory?: { enabled?: boolean };
}

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
      },
    },
    memory: {
      type: 'object',
      additionalProperties: false,
      properties: { enabled: { type: 'boolean' } },
    },
  },
} as const;

export const DEFAULT_PERSONA =
  'You are a helpful assistant embedded in a product. Answer concisely and accurately.';
