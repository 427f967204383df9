import { originPattern } from '../../auth/origins.js';
import type { JsonSchema } from '../routing/route.js';
import { isoDate, nullable, uuidSchema } from './common.js';
import { EXAMPLE } from './examples.js';

export const apiKeySchema: JsonSchema = {
  type: 'object',
  required: [
    'id',
    'tenantId',
    'type',
    'name',
    'prefix',
    'allowedOrigins',
    'createdAt',
    'lastUsedAt',
    'revokedAt',
  ],
  properties: {
    id: uuidSchema,
    tenantId: uuidSchema,
    type: { enum: ['secret', 'publishable'] },
    name: nullable({ type: 'string' }),
    prefix: { type: 'string' },
    allowedOrigins: { type: 'array', items: { type: 'string', pattern: originPattern } },
    createdAt: isoDate,
    lastUsedAt: nullable(isoDate),
    revokedAt: nullable(isoDate),
  },
};

export const apiKeyExample = {
  id: EXAMPLE.keyId,
  tenantId: EXAMPLE.tenantId,
  type: 'publishable',
  name: 'storefront',
  prefix: 'pk_live_Q3xv',
  allowedOrigins: ['https://shop.example.com'],
  createdAt: EXAMPLE.createdAt,
  lastUsedAt: null,
  revokedAt: null,
};

/** The one response that carries the key itself. */
export const createdApiKeySchema: JsonSchema = {
  ...apiKeySchema,
  required: [...(apiKeySchema.required as string[]), 'key'],
  properties: {
    ...(apiKeySchema.properties as object),
    key: { type: 'string', pattern: '^(sk|pk)_live_' },
  },
};
