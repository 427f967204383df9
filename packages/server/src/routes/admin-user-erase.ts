import Router from '@koa/router';
import type { AppServices } from '../app-services.js';
import { requireAdmin } from '../auth/middleware.js';
import { notFound } from '../errors/domain-error.js';
import { eraseUser } from '../memory/memory-admin.js';
import { isUuid } from './admin-tenants.js';

/**
 * `DELETE /v1/admin/tenants/:tenantId/users/:userId`: GDPR erasure. Removes
 * the user and every row that belongs to them, embeddings included, and
 * answers with what was deleted.
 */
export function adminUserEraseRoutes(services: AppServices): Router {
  const router = new Router({ prefix: '/v1/admin/tenants/:tenantId/users' });
  router.use(requireAdmin(services));

  router.delete('/:userId', async (ctx) => {
    const { tenantId, userId } = ctx.params as { tenantId: string; userId: string };
    if (!isUuid(tenantId) || !isUuid(userId)) throw notFound('User');
    // Revoke first: erasing drops the session rows that revocation needs, and a
    // live access token must not outlive its user.
    await services.sessions.revokeUser(tenantId, userId, 'admin');
    const deleted = await eraseUser(services.knex, { tenantId, userId });
    if (!deleted) throw notFound('User');
    services.memory.cache.evictUser(tenantId, userId);
    ctx.state.log.info({ tenantId, userId, deleted }, 'user erased');
    ctx.body = { userId, deleted };
  });

  return router;
}
