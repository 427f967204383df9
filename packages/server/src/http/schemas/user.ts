import type { JsonSchema } from '../routing/route.js';
import { isoDate, nullable, uuidSchema } from './common.js';
import { EXAMPLE } from './examples.js';

export const endUserSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'externalId', 'anonymous'],
  properties: {
    id: uuidSchema,
    externalId: nullable({ type: 'string' }),
    anonymous: { type: 'boolean' },
    name: nullable({ type: 'string' }),
    email: nullable({ type: 'string' }),
  },
};

export const endUserExample = {
  id: EXAMPLE.userId,
  externalId: 'customer-1042',
  anonymous: false,
  name: 'Ada Lovelace',
  email: 'ada@example.com',
};

const traits = { type: 'object' };

/** An end user in the operator's listing. */
export const directoryUserSchema: JsonSchema = {
  type: 'object',
  required: [
    ...(endUserSchema.required as string[]),
    'traits',
    'createdAt',
    'lastSeenAt',
    'mergedInto',
  ],
  properties: {
    ...(endUserSchema.properties as object),
    traits,
    createdAt: nullable(isoDate),
    lastSeenAt: nullable(isoDate),
    mergedInto: nullable(uuidSchema),
  },
};

export const directoryUserExample = {
  ...endUserExample,
  traits: { plan: 'pro' },
  createdAt: EXAMPLE.createdAt,
  lastSeenAt: EXAMPLE.updatedAt,
  mergedInto: null,
};

/** `GET /v1/me`. */
export const profileSchema: JsonSchema = {
  type: 'object',
  required: [...(endUserSchema.required as string[]), 'tenantId', 'traits', 'hasPassword'],
  properties: {
    ...(endUserSchema.properties as object),
    tenantId: uuidSchema,
    traits,
    hasPassword: { type: 'boolean' },
  },
};

export const profileExample = {
  ...endUserExample,
  tenantId: EXAMPLE.tenantId,
  traits: { plan: 'pro' },
  hasPassword: false,
};
