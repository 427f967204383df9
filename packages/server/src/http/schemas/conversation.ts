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

/** A streamed answer as it appears on the wire (abridged: one delta). */
export const eventStreamExample = [
  `id: 3\nevent: message.created\ndata: {"type":"message.created","conversationId":"${EXAMPLE.conversationId}","seq":3,"message":{"id":"${EXAMPLE.messageId}","role":"user","content":"When will my order arrive?","status":"complete","seq":3}}`,
  `id: 4\nevent: response.started\ndata: {"type":"response.started","conversationId":"${EXAMPLE.conversationId}","seq":4,"responseId":"${EXAMPLE.messageId}","provider":"openai","model":"gpt-4o-mini","offline":false}`,
  `id: 5\nevent: text.delta\ndata: {"type":"text.delta","conversationId":"${EXAMPLE.conversationId}","seq":5,"responseId":"${EXAMPLE.messageId}","delta":"Orders to Lisbon usually arrive in 2–3 working days."}`,
  `id: 6\nevent: response.completed\ndata: {"type":"response.completed","conversationId":"${EXAMPLE.conversationId}","seq":6,"responseId":"${EXAMPLE.messageId}","message":{"id":"${EXAMPLE.messageId}","role":"assistant","status":"complete","seq":6},"usage":{"inputTokens":412,"outputTokens":18}}`,
].join('\n\n');

export const eventStreamSchema = {
  type: 'string',
  description:
    'Server-Sent Events: `id` is the seq (resume with Last-Event-ID), `event` the type, `data` the JSON event (@parley/sdk protocol)',
};
