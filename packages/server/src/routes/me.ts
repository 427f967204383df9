import { unauthorized } from '../errors/domain-error.js';
import type { AnyRoute } from '../http/routing/route.js';
import { defineRoute } from '../http/routing/route.js';
import { authErrors, notFoundError } from '../http/schemas/common.js';
import { profileExample, profileSchema } from '../http/schemas/user.js';
import type { UserDirectoryStore } from '../stores/user-directory-store.js';
import type { Clock } from '../clock/clock.js';
import type { UserExport } from '@parley/sdk/protocol';
import type { Owner } from '../db/scoped.js';
import { exportSchema, exportExample } from '../http/schemas/export.js';

/** `GET /v1/me`: who the access token belongs to; `GET /v1/me/export`: everything stored about them. */
export function meRoutes(deps: {
  users(tenantId: string): UserDirectoryStore;
  exportUser(owner: Owner, now: Date): Promise<UserExport>;
  clock: Pick<Clock, 'now'>;
}): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/v1/me',
      auth: 'user',
      summary: 'The signed-in user',
      tags: ['me'],
      responses: {
        200: { description: 'The user', schema: profileSchema, example: profileExample },
        ...authErrors,
      },
      async handler(ctx) {
        const u = ctx.state.user!;
        const profile = await deps.users(u.tenantId).profile(u.userId);
        // A merged visitor's token is revoked; an erased user's row is gone while the JWT still verifies.
        if (!profile) throw unauthorized('Session was revoked');
        ctx.body = { ...profile, tenantId: u.tenantId };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/me/export',
      auth: 'user',
      summary:
        'Everything stored about the signed-in user, as one JSON document (conversations, messages, memories with history, preferences)',
      tags: ['me'],
      responses: {
        200: { description: 'The export', schema: exportSchema, example: exportExample },
        ...notFoundError,
        ...authErrors,
      },
      async handler(ctx) {
        const u = ctx.state.user!;
        ctx.set('content-disposition', 'attachment; filename="parley-export.json"');
        ctx.body = await deps.exportUser(u, new Date(deps.clock.now()));
      },
    }),
  ];
}
