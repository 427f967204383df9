import { settingsPatchSchema } from '../../tenants/settings-patch.js';
import { tenantSettingsSchema } from '../../tenants/settings.js';
import type { JsonSchema } from '../routing/route.js';
import { isoDate, uuidSchema } from './common.js';
import { EXAMPLE } from './examples.js';

export { settingsPatchSchema, tenantSettingsSchema };

export const tenantSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'name', 'settings', 'createdAt', 'updatedAt'],
  properties: {
    id: uuidSchema,
    name: { type: 'string' },
    settings: tenantSettingsSchema,
    createdAt: isoDate,
    updatedAt: isoDate,
  },
};

export const tenantExample = {
  id: EXAMPLE.tenantId,
  name: 'Acme Shop',
  settings: {
    persona: 'You are the Acme Shop assistant. Be brief and friendly.',
    models: ['openai:gpt-4o-mini', 'anthropic:claude-3-5-haiku-latest'],
    rateLimits: { userPerMinute: 30 },
    quotas: { user: { messagesPerDay: 200 } },
  },
  createdAt: EXAMPLE.createdAt,
  updatedAt: EXAMPLE.updatedAt,
};
