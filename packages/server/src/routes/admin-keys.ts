import { originPattern } from '../auth/origins.js';
import { generateApiKey } from '../auth/secrets.js';
import { invalid } from '../errors/domain-error.js';
import type { AnyRoute } from '../http/routing/route.js';
import { defineRoute } from '../http/routing/route.js';
import { apiKeyExample, apiKeySchema, createdApiKeySchema } from '../http/schemas/api-key.js';
import { adminErrors, invalidError, notFoundError, page } from '../http/schemas/common.js';
import type { ApiKeyStore } from '../stores/api-key-store.js';

interface CreateKey {
  type: 'secret' | 'publishable';
  name?: string;
  allowedOrigins?: string[];
}

const createBody = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { enum: ['secret', 'publishable'] },
    name: { type: 'string', maxLength: 200 },
    allowedOrigins: {
      type: 'array',
      maxItems: 50,
      items: { type: 'string', pattern: originPattern, maxLength: 300 },
    },
  },
};

/** Publishable keys live in browsers, so they only work from origins listed here; secret keys never do. */
function checkOrigins(body: CreateKey): void {
  if (body.type === 'publishable' && !body.allowedOrigins?.length) {
    throw invalid('A publishable key needs at least one allowed origin', [
      { path: '/allowedOrigins', message: 'required for publishable keys' },
    ]);
  }
  if (body.type === 'secret' && body.allowedOrigins?.length) {
    throw invalid('Secret keys are for servers and take no allowed origins', [
      { path: '/allowedOrigins', message: 'not allowed for secret keys' },
    ]);
  }
}

const tags = ['admin: keys'];

/** A tenant's API keys: created (shown once, stored hashed), listed, revoked. */
export function adminKeyRoutes(deps: {
  /** The tenant's key store; a tenant that does not exist is a 404. */
  keys(tenantId: string): Promise<ApiKeyStore>;
  /** Caches that must learn at once: allowed origins per tenant, revoked key hashes. */
  originsChanged(tenantId: string): Promise<void>;
  keyRevoked(hash: string): Promise<void>;
  /** Ends every login the key started (sessions minted with an `sk_` key). */
  revokeKeySessions(tenantId: string, keyId: string): Promise<number>;
}): AnyRoute[] {
  return [
    defineRoute<CreateKey, undefined, { tenantId: string }>({
      method: 'POST',
      path: '/v1/admin/tenants/:tenantId/keys',
      auth: 'admin',
      summary: 'Create an API key; the response is the only time the key is shown',
      tags,
      noStore: true,
      body: createBody,
      responses: {
        201: {
          description: 'The key, with `key` in full this once',
          schema: createdApiKeySchema,
          example: { ...apiKeyExample, key: 'pk_live_Q3xvR8mT2kL9pW4sN7bV1cX6zY0aJ5hG' },
        },
        ...invalidError,
        ...notFoundError,
        ...adminErrors,
      },
      async handler(ctx, { body, params }) {
        checkOrigins(body);
        const keys = await deps.keys(params.tenantId);
        const generated = generateApiKey(body.type);
        const key = await keys.create({ ...body, hash: generated.hash, prefix: generated.prefix });
        await deps.originsChanged(params.tenantId);
        ctx.status = 201;
        ctx.body = { ...key, key: generated.key };
      },
    }),
    defineRoute<undefined, undefined, { tenantId: string }>({
      method: 'GET',
      path: '/v1/admin/tenants/:tenantId/keys',
      auth: 'admin',
      summary: "List a tenant's keys, newest first (revoked ones too); never the keys themselves",
      tags,
      responses: {
        200: {
          description: 'Every key of the tenant, in one page',
          schema: page(apiKeySchema),
          example: { data: [apiKeyExample], nextCursor: null },
        },
        ...notFoundError,
        ...adminErrors,
      },
      async handler(ctx, { params }) {
        const keys = await deps.keys(params.tenantId);
        ctx.body = { data: await keys.list(), nextCursor: null };
      },
    }),
    defineRoute<undefined, undefined, { tenantId: string; keyId: string }>({
      method: 'DELETE',
      path: '/v1/admin/tenants/:tenantId/keys/:keyId',
      auth: 'admin',
      summary:
        'Revoke a key: it stops working on every instance at once, and the sessions a secret key started end',
      tags,
      responses: {
        200: {
          description: 'The revoked key',
          schema: apiKeySchema,
          example: { ...apiKeyExample, revokedAt: '2026-12-01T08:00:00.000Z' },
        },
        ...notFoundError,
        ...adminErrors,
      },
      async handler(ctx, { params }) {
        const keys = await deps.keys(params.tenantId);
        const { key, hash } = await keys.revoke(params.keyId);
        await deps.keyRevoked(hash);
        await deps.revokeKeySessions(params.tenantId, params.keyId);
        await deps.originsChanged(params.tenantId);
        ctx.body = key;
      },
    }),
  ];
}
