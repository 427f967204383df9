import type { SessionService } from '../auth/session-service.js';
import { notFound } from '../errors/domain-error.js';
import type { AnyRoute } from '../http/routing/route.js';
import { defineRoute } from '../http/routing/route.js';
import { adminErrors, notFoundError, uuidSchema } from '../http/schemas/common.js';
import { EXAMPLE } from '../http/schemas/examples.js';
import type { UserDirectoryStore } from '../stores/user-directory-store.js';

const erasedSchema = {
  type: 'object',
  required: ['userId', 'deleted'],
  properties: {
    userId: uuidSchema,
    deleted: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } },
  },
};
const erasedExample = {
  userId: EXAMPLE.userId,
  deleted: {
    sessions: 3,
    preferences: 1,
    conversations: 4,
    messages: 38,
    memories: 12,
    tool_executions: 2,
    uploaded_files: 0,
    analytics_events: 41,
    usage: 9,
    embeddings: 50,
    users: 1,
  },
};

/**
 * GDPR erasure: removes the user and every row that belongs to them,
 * embeddings included, and answers with what was deleted.
 */
export function adminUserEraseRoutes(deps: {
  /** The tenant's users; no existence check: an unknown tenant has no such user (404). */
  users(tenantId: string): UserDirectoryStore;
  sessions: Pick<SessionService, 'revokeUser'>;
  /** Drops the user's cached query embeddings on this instance. */
  forgetCached(owner: { tenantId: string; userId: string }): void;
}): AnyRoute[] {
  return [
    defineRoute<undefined, undefined, { tenantId: string; userId: string }>({
      method: 'DELETE',
      path: '/v1/admin/tenants/:tenantId/users/:userId',
      auth: 'admin',
      summary: 'Erase a user and everything stored about them (GDPR)',
      tags: ['admin: users'],
      responses: {
        200: {
          description: 'Rows deleted, per table',
          schema: erasedSchema,
          example: erasedExample,
        },
        ...notFoundError,
        ...adminErrors,
      },
      async handler(ctx, { params }) {
        const { tenantId, userId } = params;
        // Revoke first: erasing drops the session rows that revocation needs, and a
        // live access token must not outlive its user.
        await deps.sessions.revokeUser(tenantId, userId, 'admin');
        const deleted = await deps.users(tenantId).erase(userId);
        if (!deleted) throw notFound('User');
        deps.forgetCached(params);
        ctx.state.log.info({ tenantId, userId, deleted }, 'user erased');
        ctx.body = { userId, deleted };
      },
    }),
  ];
}
