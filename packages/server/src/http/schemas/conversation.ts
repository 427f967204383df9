import type { JsonSchema } from '../routing/route.js';
import { isoDate, nullable, uuidSchema } from './common.js';
import { EXAMPLE } from './examples.js';

export const conversationSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'title', 'createdAt', 'updatedAt', 'lastSeq'],
  properties: {
    id: uuidSchema,
    title: nullable({ type: 'string' }),
    createdAt: isoDate,
    updatedAt: isoDate,
    lastSeq: { type: 'integer', minimum: 0 },
  },
};

export const usageSchema: JsonSchema = {
  type: 'object',
  required: ['inputTokens', 'outputTokens'],
  properties: { inputTokens: { type: 'integer' }, outputTokens: { type: 'integer' } },
};

export const messageSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'conversationId', 'role', 'content', 'status', 'seq', 'createdAt'],
  properties: {
    id: uuidSchema,
    conversationId: uuidSchema,
    role: { enum: ['user', 'assistant', 'tool', 'system'] },
    content: { type: 'string' },
    status: { enum: ['complete', 'incomplete', 'failed'] },
    seq: { type: 'integer', minimum: 1 },
    createdAt: isoDate,
    clientMessageId: nullable({ type: 'string' }),
    provider: nullable({ type: 'string' }),
    model: nullable({ type: 'string' }),
    offline: { type: 'boolean' },
    usage: nullable(usageSchema),
  },
};

export const conversationExample = {
  id: EXAMPLE.conversationId,
  title: 'Delivery to Lisbon',
  createdAt: EXAMPLE.createdAt,
  updatedAt: EXAMPLE.updatedAt,
  lastSeq: 4,
};

export const messageExample = {
  id: EXAMPLE.messageId,
  conversationId: EXAMPLE.conversationId,
  role: 'assistant',
  content: 'Orders to Lisbon usually arrive in 2–3 working days.',
  status: 'complete',
  seq: 4,
  createdAt: EXAMPLE.updatedAt,
  clientMessageId: null,
  provider: 'openai',
  model: 'gpt-4o-mini',
  offline: false,
  usage: { inputTokens: 412, outputTokens: 18 },
};
