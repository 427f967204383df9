import Router from '@koa/router';
import type { AppServices } from '../app-services.js';
import { IDENTITY_TOKEN_MAX_TTL_SECONDS } from '../auth/identity-token.js';
import { requireAdmin } from '../auth/middleware.js';
import { parseBody } from '../http/validate.js';
import { findTenant } from './admin-tenants.js';

const rotateSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    /** How long the previous secret keeps verifying (default a day, at most a week). */
    graceSeconds: { type: 'integer', minimum: 0, maximum: 7 * 86400, default: 86400 },
  },
};

/**
 * The tenant's identity-token signing secret. POST creates (or rotates) it
 * and is the only time it is shown; GET lists the live ones without secrets.
 */
export function adminIdentityRoutes(services: AppServices): Router {
  const router = new Router({ prefix: '/v1/admin/tenants/:tenantId/identity-secret' });
  router.use(requireAdmin(services));

  router.post('/', async (ctx) => {
    const body = parseBody<{ graceSeconds: number }>(rotateSchema, ctx.request.body);
    const tenant = await findTenant(services, ctx.params.tenantId!);
    const { info, secret } = await services.identitySecrets.rotate(
      tenant.id as string,
      body.graceSeconds,
    );
    ctx.set('cache-control', 'no-store');
    ctx.status = 201;
    ctx.body = {
      ...info,
      secret,
      algorithm: 'HS256',
      usage: `Sign {sub, name?, email?, traits?, exp} with HS256 and header kid "${info.id}"; exp at most ${IDENTITY_TOKEN_MAX_TTL_SECONDS} s ahead.`,
    };
  });

  router.get('/', async (ctx) => {
    const tenant = await findTenant(services, ctx.params.tenantId!);
    ctx.body = { data: await services.identitySecrets.list(tenant.id as string), nextCursor: null };
  });

  return router;
}
