import { MEMORY_KINDS } from '../../memory/memory-policy.js';
import type { JsonSchema } from '../routing/route.js';
import { isoDate, nullable, uuidSchema } from './common.js';
import { EXAMPLE } from './examples.js';

export const memorySchema: JsonSchema = {
  type: 'object',
  required: [
    'id',
    'text',
    'kind',
    'importance',
    'accessCount',
    'lastAccessedAt',
    'sourceMessageIds',
    'expiresAt',
    'createdAt',
    'updatedAt',
  ],
  properties: {
    id: uuidSchema,
    text: { type: 'string' },
    kind: { enum: [...MEMORY_KINDS] },
    importance: { type: 'number', minimum: 0, maximum: 1 },
    accessCount: { type: 'integer', minimum: 0 },
    lastAccessedAt: nullable(isoDate),
    sourceMessageIds: { type: 'array', items: uuidSchema },
    expiresAt: nullable(isoDate),
    createdAt: isoDate,
    updatedAt: isoDate,
  },
};

export const memoryExample = {
  id: EXAMPLE.memoryId,
  text: 'Lives in Lisbon',
  kind: 'fact',
  importance: 0.7,
  accessCount: 3,
  lastAccessedAt: EXAMPLE.updatedAt,
  sourceMessageIds: [EXAMPLE.messageId],
  expiresAt: null,
  createdAt: EXAMPLE.createdAt,
  updatedAt: EXAMPLE.updatedAt,
};
