import Router from '@koa/router';
import type { AppServices } from '../app-services.js';
import { requireUser } from '../auth/middleware.js';
import { toConversation, toMessage } from '../http/dto.js';
import { notFound } from '../errors/domain-error.js';
import { MEMORY_COLUMNS, toMemory } from '../memory/memory-dto.js';

const iso = (v: unknown): string | null => (v == null ? null : new Date(v as string).toISOString());

/**
 * `GET /v1/me/export`: everything stored about the signed-in user, as one
 * JSON document (data portability). Embedding vectors are derived data and
 * are left out; memory history (superseded and forgotten versions) is in.
 */
export function meExportRoutes(services: AppServices): Router {
  const router = new Router({ prefix: '/v1/me' });
  router.use(requireUser(services));

  router.get('/export', async (ctx) => {
    const { tenantId, userId } = ctx.state.user!;
    const own = { tenant_id: tenantId, user_id: userId };
    const knex = services.knex;
    const [user, preferences, conversations, messages, memories] = await Promise.all([
      knex('users')
        .where({ id: userId, tenant_id: tenantId })
        .first('id', 'external_id', 'anonymous', 'name', 'email', 'traits', 'created_at'),
      knex('preferences').where(own).first('timezone', 'locale', 'data', 'updated_at'),
      knex('conversations').where(own).orderBy('created_at', 'asc'),
      knex('messages')
        .where(own)
        .orderBy([{ column: 'conversation_id' }, { column: 'seq' }])
        .select(
          'id',
          'conversation_id',
          'role',
          'content',
          'status',
          'seq',
          'created_at',
          'client_message_id',
          'provider',
          'model',
          'offline',
          'input_tokens',
          'output_tokens',
        ),
      knex('memories')
        .where(own)
        .orderBy('created_at', 'asc')
        .select([...MEMORY_COLUMNS, 'invalidated_at', 'superseded_by']),
    ]);
    if (!user) throw notFound('User');
    const byConversation = new Map<string, unknown[]>();
    for (const m of messages) {
      const list = byConversation.get(m.conversation_id) ?? [];
      list.push(toMessage(m));
      byConversation.set(m.conversation_id, list);
    }
    ctx.set('content-disposition', 'attachment; filename="parley-export.json"');
    ctx.body = {
      exportedAt: new Date().toISOString(),
      user: {
        id: user.id,
        externalId: user.external_id ?? null,
        anonymous: Boolean(user.anonymous),
        name: user.name ?? null,
        email: user.email ?? null,
        traits: user.traits ?? {},
        createdAt: iso(user.created_at),
      },
      preferences: preferences
        ? {
            timezone: preferences.timezone ?? null,
            locale: preferences.locale ?? null,
            data: preferences.data ?? {},
            updatedAt: iso(preferences.updated_at),
          }
        : null,
      conversations: conversations.map((c: Record<string, unknown>) => ({
        ...toConversation(c),
        messages: byConversation.get(c.id as string) ?? [],
      })),
      memories: memories.map((m: Record<string, unknown>) => ({
        ...toMemory(m),
        invalidatedAt: iso(m.invalidated_at),
        supersededBy: (m.superseded_by as string | null) ?? null,
      })),
    };
  });

  return router;
}
