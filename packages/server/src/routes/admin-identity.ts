import type { IdentitySecrets } from '../auth/identity-secrets.js';
import { IDENTITY_TOKEN_MAX_TTL_SECONDS } from '../auth/identity-token.js';
import type { AnyRoute } from '../http/routing/route.js';
import { defineRoute } from '../http/routing/route.js';
import {
  adminErrors,
  invalidError,
  isoDate,
  notFoundError,
  nullable,
  page,
  uuidSchema,
} from '../http/schemas/common.js';
import { EXAMPLE } from '../http/schemas/examples.js';

const rotateBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    /** How long the previous secret keeps verifying (default a day, at most a week). */
    graceSeconds: { type: 'integer', minimum: 0, maximum: 7 * 86400, default: 86400 },
  },
};

const secretInfoSchema = {
  type: 'object',
  required: ['id', 'createdAt', 'expiresAt'],
  properties: { id: uuidSchema, createdAt: isoDate, expiresAt: nullable(isoDate) },
};
const secretInfoExample = { id: EXAMPLE.secretId, createdAt: EXAMPLE.createdAt, expiresAt: null };
const createdSchema = {
  type: 'object',
  required: ['id', 'createdAt', 'expiresAt', 'secret', 'algorithm', 'usage'],
  properties: {
    ...secretInfoSchema.properties,
    secret: { type: 'string', pattern: '^ids_' },
    algorithm: { const: 'HS256' },
    usage: { type: 'string' },
  },
};

const usage = (kid: string) =>
  `Sign {sub, jti, name?, email?, traits?, exp} with HS256 and header kid "${kid}"; exp at most ${IDENTITY_TOKEN_MAX_TTL_SECONDS} s ahead; a fresh jti (e.g. a UUID) per token, each token signs in once.`;
const tags = ['admin: identity'];

/**
 * The tenant's identity-token signing secret. POST creates (or rotates) it
 * and is the only time it is shown; GET lists the live ones without secrets.
 */
export function adminIdentityRoutes(deps: {
  /** 404 unless the tenant exists. */
  assertTenant(tenantId: string): Promise<void>;
  secrets: Pick<IdentitySecrets, 'rotate' | 'list'>;
}): AnyRoute[] {
  return [
    defineRoute<{ graceSeconds: number }, undefined, { tenantId: string }>({
      method: 'POST',
      path: '/v1/admin/tenants/:tenantId/identity-secret',
      auth: 'admin',
      summary:
        'Create or rotate the identity-token secret; the previous one verifies for graceSeconds',
      tags,
      noStore: true,
      body: rotateBody,
      responses: {
        201: {
          description: 'The new secret, shown this once',
          schema: createdSchema,
          example: {
            ...secretInfoExample,
            secret: 'ids_f3K9mQ2vX7bN4rT8yL1pW6sD0cG5hJzA3xE2uR9tY7w',
            algorithm: 'HS256',
            usage: usage(EXAMPLE.secretId),
          },
        },
        ...invalidError,
        ...notFoundError,
        ...adminErrors,
      },
      async handler(ctx, { body, params }) {
        await deps.assertTenant(params.tenantId);
        const { info, secret } = await deps.secrets.rotate(params.tenantId, body.graceSeconds);
        ctx.status = 201;
        ctx.body = { ...info, secret, algorithm: 'HS256', usage: usage(info.id) };
      },
    }),
    defineRoute<undefined, undefined, { tenantId: string }>({
      method: 'GET',
      path: '/v1/admin/tenants/:tenantId/identity-secret',
      auth: 'admin',
      summary: 'The secrets that verify identity tokens now (never the secrets themselves)',
      tags,
      responses: {
        200: {
          description: 'Live secrets, newest first',
          schema: page(secretInfoSchema),
          example: { data: [secretInfoExample], nextCursor: null },
        },
        ...notFoundError,
        ...adminErrors,
      },
      async handler(ctx, { params }) {
        await deps.assertTenant(params.tenantId);
        ctx.body = { data: await deps.secrets.list(params.tenantId), nextCursor: null };
      },
    }),
  ];
}
