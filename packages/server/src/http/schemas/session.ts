import type { JsonSchema } from '../routing/route.js';
import { nullable } from './common.js';
import { endUserExample, endUserSchema } from './user.js';

export const sessionTokensSchema: JsonSchema = {
  type: 'object',
  required: ['accessToken', 'expiresIn', 'refreshToken', 'user'],
  properties: {
    accessToken: { type: 'string' },
    expiresIn: { type: 'integer', minimum: 1 },
    refreshToken: { type: 'string', pattern: '^rt_' },
    user: endUserSchema,
  },
};

export const sessionTokensExample = {
  accessToken: 'eyJhbGciOiJIUzI1NiIsImtpZCI6ImsxIn0.eyJ0aWQiOiI2ZjFjIn0.c2lnbmF0dXJl',
  expiresIn: 900,
  refreshToken: 'rt_Vb9Xq0mN4kP2sL7tR1wY6zA3cE8gH5jU',
  user: endUserExample,
};

/** Sign-in that may merge an anonymous visitor: `merged` counts the rows that moved. */
export const signedInSchema: JsonSchema = {
  ...sessionTokensSchema,
  required: [...(sessionTokensSchema.required as string[]), 'merged'],
  properties: {
    ...(sessionTokensSchema.properties as object),
    merged: nullable({ type: 'object', additionalProperties: { type: 'integer' } }),
  },
};

export const signedInExample = {
  ...sessionTokensExample,
  merged: { conversations: 2, messages: 6, memories: 1 },
};

export const revokedSessionsSchema: JsonSchema = {
  type: 'object',
  required: ['revokedSessions'],
  properties: { revokedSessions: { type: 'integer', minimum: 0 } },
};
