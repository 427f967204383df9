import Router from '@koa/router';
import type { AppServices } from '../app-services.js';
import { requireUser } from '../auth/middleware.js';
import { tenantScope } from '../db/scoped.js';
import { toEndUser } from '../http/dto.js';
import { unauthorized } from '../errors/domain-error.js';

/** `GET /v1/me`: who the access token belongs to. */
export function meRoutes(services: AppServices): Router {
  const router = new Router({ prefix: '/v1/me' });

  router.get('/', requireUser(services), async (ctx) => {
    const u = ctx.state.user!;
    const row = await tenantScope(services, u.tenantId)
      .rows('users')
      .where({ id: u.userId })
      .first();
    // A merged visitor's token is revoked; an erased user's row is gone while the JWT still verifies.
    if (!row || row.merged_into) throw unauthorized('Session was revoked');
    ctx.body = {
      ...toEndUser(row),
      tenantId: u.tenantId,
      traits: row.traits ?? {},
      hasPassword: row.password_hash != null,
    };
  });

  return router;
}
