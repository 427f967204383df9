import Router from '@koa/router';
import type { AppServices } from '../app-services.js';
import { requireAdmin } from '../auth/middleware.js';
import { originPattern } from '../auth/origins.js';
import { generateApiKey } from '../auth/secrets.js';
import { toApiKey } from '../http/dto.js';
import { invalid, notFound } from '../errors/domain-error.js';
import { parseBody } from '../http/validate.js';
import { findTenant, isUuid } from './admin-tenants.js';

const createSchema = {
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

export function adminKeyRoutes(services: AppServices): Router {
  const router = new Router({ prefix: '/v1/admin/tenants/:tenantId/keys' });
  router.use(requireAdmin(services));

  router.post('/', async (ctx) => {
    const body = parseBody<{
      type: 'secret' | 'publishable';
      name?: string;
      allowedOrigins?: string[];
    }>(createSchema, ctx.request.body);
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
    const tenant = await findTenant(services, ctx.params.tenantId!);
    const generated = generateApiKey(body.type);
    const [row] = await services
      .knex('api_keys')
      .insert({
        tenant_id: tenant.id,
        type: body.type,
        name: body.name ?? null,
        prefix: generated.prefix,
        key_hash: generated.hash,
        allowed_origins: JSON.stringify(body.allowedOrigins ?? []),
      })
      .returning('*');
    await services.tenantOrigins.changed(tenant.id as string);
    ctx.status = 201;
    // The only time the key is ever shown.
    ctx.body = { ...toApiKey(row), key: generated.key };
  });

  router.get('/', async (ctx) => {
    const tenant = await findTenant(services, ctx.params.tenantId!);
    const rows = await services
      .knex('api_keys')
      .where({ tenant_id: tenant.id })
      .orderBy('created_at', 'desc');
    ctx.body = { data: rows.map(toApiKey), nextCursor: null };
  });

  router.delete('/:keyId', async (ctx) => {
    const tenant = await findTenant(services, ctx.params.tenantId!);
    if (!isUuid(ctx.params.keyId!)) throw notFound('API key');
    const [row] = await services
      .knex('api_keys')
      .where({ id: ctx.params.keyId, tenant_id: tenant.id })
      .update({ revoked_at: services.knex.raw('coalesce(revoked_at, now())') })
      .returning('*');
    if (!row) throw notFound('API key');
    await services.apiKeys.revoked(row.key_hash);
    await services.tenantOrigins.changed(row.tenant_id);
    ctx.body = toApiKey(row);
  });

  return router;
}
