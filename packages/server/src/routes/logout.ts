import type { SessionService } from '../auth/session-service.js';
import type { AnyRoute } from '../http/routing/route.js';
import { defineRoute } from '../http/routing/route.js';
import { authErrors } from '../http/schemas/common.js';
import { revokedSessionsSchema } from '../http/schemas/session.js';

/**
 * Ending sessions. Both revoke refresh tokens in the database and the live
 * access tokens (and WebSocket connections) on every instance at once.
 */
export function logoutRoutes(deps: {
  sessions: Pick<SessionService, 'revokeFamily' | 'revokeUser'>;
}): AnyRoute[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/v1/sessions/logout',
      auth: 'user',
      summary: 'Log out this login: its refresh tokens and access tokens stop working',
      tags: ['sessions'],
      responses: { 204: { description: 'Logged out' }, ...authErrors },
      async handler(ctx) {
        const u = ctx.state.user!;
        await deps.sessions.revokeFamily(u.tenantId, u.userId, u.sessionFamilyId, 'logout');
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/sessions/logout-all',
      auth: 'user',
      summary: 'Log out every login of this user, on every device',
      tags: ['sessions'],
      responses: {
        200: {
          description: 'How many logins ended',
          schema: revokedSessionsSchema,
          example: { revokedSessions: 3 },
        },
        ...authErrors,
      },
      async handler(ctx) {
        const u = ctx.state.user!;
        const revoked = await deps.sessions.revokeUser(u.tenantId, u.userId, 'logout_all');
        ctx.body = { revokedSessions: revoked };
      },
    }),
  ];
}
