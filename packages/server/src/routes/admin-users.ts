import type { AnyRoute } from '../http/routing/route.js';
import { defineRoute } from '../http/routing/route.js';
import { adminErrors, invalidError, notFoundError, page } from '../http/schemas/common.js';
import { revokedSessionsSchema } from '../http/schemas/session.js';
import { directoryUserExample, directoryUserSchema } from '../http/schemas/user.js';
import type { SessionService } from '../auth/session-service.js';
import type { UserDirectoryStore, UserFilter } from '../stores/user-directory-store.js';

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    cursor: { type: 'string', maxLength: 200 },
    email: { type: 'string', maxLength: 320 },
    externalId: { type: 'string', maxLength: 200 },
    anonymous: { type: 'boolean' },
  },
};

const tags = ['admin: users'];

/** Operator view of a tenant's end users, and revoking their sessions. */
export function adminUserRoutes(deps: {
  /** The tenant's users; a tenant that does not exist is a 404. */
  users(tenantId: string): Promise<UserDirectoryStore>;
  sessions: Pick<SessionService, 'revokeUser'>;
}): AnyRoute[] {
  return [
    defineRoute<undefined, UserFilter, { tenantId: string }>({
      method: 'GET',
      path: '/v1/admin/tenants/:tenantId/users',
      auth: 'admin',
      summary: "List a tenant's end users, newest first; filter by email, externalId, anonymous",
      tags,
      query: listQuery,
      responses: {
        200: {
          description: 'A page of users',
          schema: page(directoryUserSchema),
          example: { data: [directoryUserExample], nextCursor: null },
        },
        ...invalidError,
        ...notFoundError,
        ...adminErrors,
      },
      async handler(ctx, { params, query }) {
        ctx.body = await (await deps.users(params.tenantId)).list(query);
      },
    }),
    defineRoute<undefined, undefined, { tenantId: string; userId: string }>({
      method: 'POST',
      path: '/v1/admin/tenants/:tenantId/users/:userId/revoke-sessions',
      auth: 'admin',
      summary: 'End every login of a user now: refresh tokens, access tokens, WebSockets',
      tags,
      responses: {
        200: {
          description: 'How many logins ended',
          schema: revokedSessionsSchema,
          example: { revokedSessions: 2 },
        },
        ...notFoundError,
        ...adminErrors,
      },
      async handler(ctx, { params }) {
        await (await deps.users(params.tenantId)).assertExists(params.userId);
        const revoked = await deps.sessions.revokeUser(params.tenantId, params.userId, 'admin');
        ctx.body = { revokedSessions: revoked };
      },
    }),
  ];
}
