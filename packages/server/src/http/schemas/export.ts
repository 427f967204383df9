import type { JsonSchema } from '../routing/route.js';
import { isoDate, nullable, uuidSchema } from './common.js';
import {
  conversationExample,
  conversationSchema,
  messageExample,
  messageSchema,
} from './conversation.js';
import { EXAMPLE } from './examples.js';
import { memoryExample, memorySchema } from './memory.js';
import { endUserExample, endUserSchema } from './user.js';

export const exportSchema: JsonSchema = {
  type: 'object',
  required: ['exportedAt', 'user', 'preferences', 'conversations', 'memories'],
  properties: {
    exportedAt: isoDate,
    user: {
      ...endUserSchema,
      required: [...(endUserSchema.required as string[]), 'traits', 'createdAt'],
      properties: {
        ...(endUserSchema.properties as object),
        traits: { type: 'object' },
        createdAt: nullable(isoDate),
      },
    },
    preferences: nullable({
      type: 'object',
      required: ['timezone', 'locale', 'data', 'updatedAt'],
      properties: {
        timezone: nullable({ type: 'string' }),
        locale: nullable({ type: 'string' }),
        data: { type: 'object' },
        updatedAt: nullable(isoDate),
      },
    }),
    conversations: {
      type: 'array',
      items: {
        ...conversationSchema,
        required: [...(conversationSchema.required as string[]), 'messages'],
        properties: {
          ...(conversationSchema.properties as object),
          messages: { type: 'array', items: messageSchema },
        },
      },
    },
    memories: {
      type: 'array',
      items: {
        ...memorySchema,
        required: [...(memorySchema.required as string[]), 'invalidatedAt', 'supersededBy'],
        properties: {
          ...(memorySchema.properties as object),
          invalidatedAt: nullable(isoDate),
          supersededBy: nullable(uuidSchema),
        },
      },
    },
  },
};

export const exportExample = {
  exportedAt: '2026-12-01T10:00:00.000Z',
  user: { ...endUserExample, traits: { plan: 'pro' }, createdAt: EXAMPLE.createdAt },
  preferences: {
    timezone: 'Europe/Lisbon',
    locale: 'pt-PT',
    data: {},
    updatedAt: EXAMPLE.updatedAt,
  },
  conversations: [{ ...conversationExample, messages: [messageExample] }],
  memories: [{ ...memoryExample, invalidatedAt: null, supersededBy: null }],
};
