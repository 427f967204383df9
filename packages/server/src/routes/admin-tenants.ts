import Router from '@koa/router';
import type { AppServices } from '../app-services.js';
import { requireAdmin } from '../auth/middleware.js';
import { toTenant } from '../http/dto.js';
import { notFound } from '../errors/domain-error.js';
import { parseBody, parseQuery } from '../http/validate.js';
import type { TenantSettings } from '../tenants/settings.js';
import { tenantSettingsSchema } from '../tenants/settings.js';
import { pageQuerySchema, paginate } from './pagination.js';

const createSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    settings: tenantSettingsSchema,
  },
};
const updateSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    settings: tenantSettingsSchema,
  },
};

export function adminTenantRoutes(services: AppServices): Router {
  const router = new Router({ prefix: '/v1/admin/tenants' });
  router.use(requireAdmin(services));

  router.post('/', async (ctx) => {
    const body = parseBody<{ name: string; settings?: TenantSettings }>(
      createSchema,
      ctx.request.body,
    );
    const [row] = await services
      .knex('tenants')
      .insert({ name: body.name, settings: body.settings ?? {} })
      .returning('*');
    ctx.status = 201;
    ctx.body = toTenant(row);
  });

  router.get('/', async (ctx) => {
    const q = parseQuery<{ limit: number; cursor?: string }>(pageQuerySchema, ctx.query);
    const page = await paginate(services.knex('tenants'), q, 'created_at');
    ctx.body = { data: page.rows.map(toTenant), nextCursor: page.nextCursor };
  });

  router.get('/:tenantId', async (ctx) => {
    const row = await findTenant(services, ctx.params.tenantId!);
    ctx.body = toTenant(row);
  });

  router.patch('/:tenantId', async (ctx) => {
    const body = parseBody<{ name?: string; settings?: TenantSettings }>(
      updateSchema,
      ctx.request.body,
    );
    await findTenant(services, ctx.params.tenantId!);
    const [row] = await services
      .knex('tenants')
      .where({ id: ctx.params.tenantId })
      .update({ ...body, updated_at: services.knex.fn.now() })
      .returning('*');
    await services.tenants.changed(row.id);
    ctx.body = toTenant(row);
  });

  return router;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(v: string): boolean {
  return UUID.test(v);
}

export async function findTenant(
  services: AppServices,
  id: string,
): Promise<Record<string, unknown>> {
  if (!isUuid(id)) throw notFound('Tenant');
  const row = await services.knex('tenants').where({ id }).first();
  if (!row) throw notFound('Tenant');
  return row;
}
