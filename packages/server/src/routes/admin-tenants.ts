import type { AnyRoute } from '../http/routing/route.js';
import { defineRoute } from '../http/routing/route.js';
import {
  adminErrors,
  invalidError,
  notFoundError,
  page,
  pageQuery,
} from '../http/schemas/common.js';
import {
  settingsPatchSchema,
  tenantExample,
  tenantSchema,
  tenantSettingsSchema,
} from '../http/schemas/tenant.js';
import type { TenantAdminStore } from '../stores/tenant-admin-store.js';
import type { TenantCache } from '../tenants/tenant-cache.js';
import type { TenantSettings } from '../tenants/settings.js';
import type { SettingsPatch } from '../tenants/settings-patch.js';

const name = { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' };
const createBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name, settings: tenantSettingsSchema },
};
const patchBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { name, settings: settingsPatchSchema },
};

const tags = ['admin: tenants'];
const one = { 200: { description: 'The tenant', schema: tenantSchema, example: tenantExample } };

/**
 * The platform operator's tenants. A PATCH merges settings key by key (a
 * persona change keeps rate limits and quotas); replacing them all is an
 * explicit PUT of …/settings. Every change reaches every instance's cache.
 */
export function adminTenantRoutes(deps: {
  tenants: TenantAdminStore;
  cache: Pick<TenantCache, 'changed'>;
}): AnyRoute[] {
  const { tenants, cache } = deps;
  return [
    defineRoute<{ name: string; settings?: TenantSettings }>({
      method: 'POST',
      path: '/v1/admin/tenants',
      auth: 'admin',
      summary: 'Create a tenant',
      tags,
      body: createBody,
      responses: {
        201: { description: 'Created', schema: tenantSchema, example: tenantExample },
        ...invalidError,
        ...adminErrors,
      },
      async handler(ctx, { body }) {
        ctx.status = 201;
        ctx.body = await tenants.create(body);
      },
    }),
    defineRoute<undefined, { limit: number; cursor?: string }>({
      method: 'GET',
      path: '/v1/admin/tenants',
      auth: 'admin',
      summary: 'List tenants, newest first',
      tags,
      query: pageQuery,
      responses: {
        200: {
          description: 'A page of tenants',
          schema: page(tenantSchema),
          example: { data: [tenantExample], nextCursor: null },
        },
        ...invalidError,
        ...adminErrors,
      },
      async handler(ctx, { query }) {
        ctx.body = await tenants.list(query);
      },
    }),
    defineRoute<undefined, undefined, { tenantId: string }>({
      method: 'GET',
      path: '/v1/admin/tenants/:tenantId',
      auth: 'admin',
      summary: 'Get a tenant with its settings',
      tags,
      responses: { ...one, ...notFoundError, ...adminErrors },
      async handler(ctx, { params }) {
        ctx.body = await tenants.get(params.tenantId);
      },
    }),
    defineRoute<{ name?: string; settings?: SettingsPatch }, undefined, { tenantId: string }>({
      method: 'PATCH',
      path: '/v1/admin/tenants/:tenantId',
      auth: 'admin',
      summary:
        'Rename a tenant or change some settings: each key given replaces that key (rateLimits, quotas and memory merge one level deeper); null removes a key',
      tags,
      body: patchBody,
      responses: { ...one, ...invalidError, ...notFoundError, ...adminErrors },
      async handler(ctx, { body, params }) {
        const tenant = await tenants.update(params.tenantId, body);
        await cache.changed(tenant.id);
        ctx.body = tenant;
      },
    }),
    defineRoute<TenantSettings, undefined, { tenantId: string }>({
      method: 'PUT',
      path: '/v1/admin/tenants/:tenantId/settings',
      auth: 'admin',
      summary: "Replace a tenant's settings as a whole; keys left out return to server defaults",
      tags,
      body: tenantSettingsSchema,
      responses: { ...one, ...invalidError, ...notFoundError, ...adminErrors },
      async handler(ctx, { body, params }) {
        const tenant = await tenants.replaceSettings(params.tenantId, body);
        await cache.changed(tenant.id);
        ctx.body = tenant;
      },
    }),
  ];
}
