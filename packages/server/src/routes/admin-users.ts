import Router from '@koa/router';
import type { AppServices } from '../app-services.js';
import { requireAdmin } from '../auth/middleware.js';
import { tenantScope } from '../db/scoped.js';
import { toEndUser } from '../http/dto.js';
import { notFound } from '../errors/domain-error.js';
import { parseQuery } from '../http/validate.js';
import { findTenant, isUuid } from './admin-tenants.js';
import { paginate } from './pagination.js';

const listSchema = {
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

const iso = (v: unknown): string | null => (v ? new Date(v as string).toISOString() : null);

/** Operator view of a tenant's end users, and revoking their sessions. */
export function adminUserRoutes(services: AppServices): Router {
  const router = new Router({ prefix: '/v1/admin/tenants/:tenantId/users' });
  router.use(requireAdmin(services));

  router.get('/', async (ctx) => {
    const q = parseQuery<{
      limit: number;
      cursor?: string;
      email?: string;
      externalId?: string;
      anonymous?: boolean;
    }>(listSchema, ctx.query);
    const tenant = await findTenant(services, ctx.params.tenantId!);
    const query = tenantScope(services, tenant.id as string).rows('users');
    if (q.email) query.whereRaw('lower(email) = ?', [q.email.trim().toLowerCase()]);
    if (q.externalId) query.where({ external_id: q.externalId });
    if (q.anonymous !== undefined) query.where({ anonymous: q.anonymous });
    const page = await paginate(query, q, 'created_at');
    ctx.body = {
      data: page.rows.map((row) => ({
        ...toEndUser(row),
        traits: row.traits ?? {},
        createdAt: iso(row.created_at),
        lastSeenAt: iso(row.last_seen_at),
        mergedInto: (row.merged_into as string | null) ?? null,
      })),
      nextCursor: page.nextCursor,
    };
  });

  /** Every login of the user ends now: refresh tokens, access tokens, WebSockets. */
  router.post('/:userId/revoke-sessions', async (ctx) => {
    const tenant = await findTenant(services, ctx.params.tenantId!);
    const userId = ctx.params.userId!;
    const exists =
      isUuid(userId) &&
      (await tenantScope(services, tenant.id as string)
        .rows('users')
        .where({ id: userId })
        .first('id'));
    if (!exists) throw notFound('User');
    const revoked = await services.sessions.revokeUser(tenant.id as string, userId, 'admin');
    ctx.body = { revokedSessions: revoked };
  });

  return router;
}
