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

/** Routes that refuse bad credentials but count no requests of their own. */
export const unauthorizedError = {
  401: { description: 'Missing, invalid, expired or revoked credentials', schema: errorEnvelope },
} as const;

export const notFoundError = {
  404: { description: 'Not found, or not yours', schema: errorEnvelope },
} as const;

export const invalidError = {
  400: { description: 'Invalid input; details list every problem', schema: errorEnvelope },
} as const;

/** Operator routes: the admin token is missing or wrong, or the admin API is off. */
export const adminErrors = {
  401: { description: 'Missing or invalid admin token', schema: errorEnvelope },
  403: { description: 'The admin API is disabled (set PARLEY_ADMIN_TOKEN)', schema: errorEnvelope },
} as const;

export const forbiddenError = {
  403: { description: 'These credentials may not do this', schema: errorEnvelope },
} as const;

export const conflictError = {
  409: { description: 'Conflicts with what exists', schema: errorEnvelope },
} as const;
