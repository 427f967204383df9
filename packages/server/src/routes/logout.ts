import Router from '@koa/router';
import type { AppServices } from '../app-services.js';
import { requireUser } from '../auth/middleware.js';

/**
 * Ending sessions. Both revoke refresh tokens in the database and the live
 * access tokens (and WebSocket connections) on every instance at once.
 */
export function logoutRoutes(services: AppServices): Router {
  const router = new Router({ prefix: '/v1/sessions' });

  /** This login only: its refresh-token family. */
  router.post('/logout', requireUser(services), async (ctx) => {
    const u = ctx.state.user!;
    await services.sessions.revokeFamily(u.tenantId, u.userId, u.sessionFamilyId, 'logout');
    ctx.status = 204;
  });

  /** Every login of this user, on every device. */
  router.post('/logout-all', requireUser(services), async (ctx) => {
    const u = ctx.state.user!;
    const revoked = await services.sessions.revokeUser(u.tenantId, u.userId, 'logout_all');
    ctx.body = { revokedSessions: revoked };
  });

  return router;
}
