import type { JsonSchema } from '../routing/route.js';
import { isoDate, nullable, uuidSchema } from './common.js';
import { EXAMPLE } from './examples.js';

/** `GET /v1/memories/recall` and the `memory.recalled` event share these shapes (@parley/sdk protocol). */

const retriever: JsonSchema = { enum: ['lexical', 'vector', 'both'] };
const source: JsonSchema = {
  type: 'object',
  required: ['conversationId', 'messageId', 'role', 'createdAt'],
  properties: {
    conversationId: nullable(uuidSchema),
    messageId: nullable(uuidSchema),
    role: nullable({ type: 'string' }),
    createdAt: nullable(isoDate),
  },
};
const turn: JsonSchema = {
  type: 'object',
  required: ['messageId', 'role', 'text', 'createdAt'],
  properties: {
    messageId: uuidSchema,
    role: { type: 'string' },
    text: { type: 'string' },
    createdAt: isoDate,
  },
};

export const recallResultSchema: JsonSchema = {
  type: 'object',
  required: ['memories', 'passages', 'degraded'],
  properties: {
    memories: {
      type: 'array',
      maxItems: 10,
      items: {
        type: 'object',
        required: ['id', 'text', 'kind', 'score', 'retriever', 'source'],
        properties: {
          id: uuidSchema,
          text: { type: 'string' },
          kind: { type: 'string' },
          score: { type: 'number' },
          retriever,
          source,
        },
      },
    },
    passages: {
      type: 'array',
      maxItems: 10,
      items: {
        type: 'object',
        required: ['id', 'text', 'score', 'retriever', 'source', 'before', 'after'],
        properties: {
          id: uuidSchema,
          text: { type: 'string' },
          score: { type: 'number' },
          retriever,
          source,
          before: nullable(turn),
          after: nullable(turn),
        },
      },
    },
    degraded: { enum: [null, 'embedding', 'search'] },
  },
};

export const recallExample = {
  memories: [
    {
      id: EXAMPLE.memoryId,
      text: 'User lives in Lisbon',
      kind: 'fact',
      score: 0.82,
      retriever: 'both',
      source: {
        conversationId: EXAMPLE.conversationId,
        messageId: EXAMPLE.messageId,
        role: 'user',
        createdAt: EXAMPLE.createdAt,
      },
    },
  ],
  passages: [],
  degraded: null,
};
