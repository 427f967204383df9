import type { JsonSchema } from '../routing/route.js';
import { uuidSchema } from '../routing/route.js';

/** Schemas shared by many routes: envelopes, pages, timestamps. */

export const isoDate: JsonSchema = { type: 'string', format: 'date-time' };
export const nullable = (s: JsonSchema): JsonSchema => ({ anyOf: [s, { type: 'null' }] });

export const errorEnvelope: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: {},
        requestId: { type: 'string' },
      },
    },
  },
};

export const page = (item: JsonSchema): JsonSchema => ({
  type: 'object',
  required: ['data', 'nextCursor'],
  properties: { data: { type: 'array', items: item }, nextCursor: nullable({ type: 'string' }) },
});

/** `limit` + opaque `cursor` query of list routes. */
export const pageQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    cursor: { type: 'string', maxLength: 200 },
  },
};

export { uuidSchema };

/** Errors every authenticated route can answer, added to each route's responses. */
export const authErrors = {
  401: { description: 'Missing, invalid, expired or revoked credentials', schema: errorEnvelope },
  429: { description: 'Rate limited (see Retry-After)', schema: errorEnvelope },
} as const;

export const notFoundError = {
  404: { description: 'Not found, or not yours', schema: errorEnvelope },
} as const;

export const invalidError = {
  400: { description: 'Invalid input; details list every problem', schema: errorEnvelope },
} as const;
