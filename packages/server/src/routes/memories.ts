import Router from '@koa/router';
import type { AppServices } from '../app-services.js';
import { requireUser } from '../auth/middleware.js';
import { invalid, notFound } from '../errors/domain-error.js';
import type { UserAuth } from '../http/koa-state.js';
import { parseBody, parseQuery } from '../http/validate.js';
import { toVectorLiteral } from '../memory/embedder.js';
import { deleteMemoryChain, forgetEverything } from '../memory/memory-admin.js';
import { MEMORY_COLUMNS, toMemory } from '../memory/memory-dto.js';
import { MEMORY_KINDS } from '../memory/memory-policy.js';
import { recall } from '../memory/recall.js';
import { isUuid } from './admin-tenants.js';
import { paginate } from './pagination.js';

const listSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', minLength: 1, maxLength: 500 },
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    cursor: { type: 'string', maxLength: 200 },
  },
};
const patchSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    text: { type: 'string', minLength: 1, maxLength: 1000, pattern: '\\S' },
    kind: { enum: MEMORY_KINDS },
    importance: { type: 'number', minimum: 0, maximum: 1 },
  },
};

/** The caller's current memories (history rows are only in the export). */
function ownCurrent(services: AppServices, user: UserAuth) {
  return services
    .knex('memories')
    .where({ tenant_id: user.tenantId, user_id: user.userId })
    .whereNull('invalidated_at');
}

/** What the agent remembers about the signed-in user: list, search, edit, delete. */
export function memoryRoutes(services: AppServices): Router {
  const router = new Router({ prefix: '/v1/memories' });
  router.use(requireUser(services));

  router.get('/', async (ctx) => {
    const q = parseQuery<{ q?: string; limit: number; cursor?: string }>(listSchema, ctx.query);
    const user = ctx.state.user!;
    if (q.q === undefined) {
      const page = await paginate(
        ownCurrent(services, user).select(MEMORY_COLUMNS),
        q,
        'created_at',
      );
      ctx.body = { data: page.rows.map(toMemory), nextCursor: page.nextCursor };
      return;
    }
    if (q.cursor) throw invalid('A search returns one page: drop cursor or q');
    const owner = { tenantId: user.tenantId, userId: user.userId };
    // The recall ranking over memories only, every relevant one up to the page size.
    const found = await recall(services, owner, q.q, {
      budgetMs: 10_000,
      includeMessages: false,
      tuning: { maxItems: q.limit, relativeFloor: 0, maxChars: 1_000_000 },
    });
    const ids = found.memories.map((m) => m.id);
    const rows = ids.length
      ? await ownCurrent(services, user).whereIn('id', ids).select(MEMORY_COLUMNS)
      : [];
    const byId = new Map(rows.map((r: Record<string, unknown>) => [r.id as string, r]));
    ctx.body = {
      data: ids.flatMap((id) => (byId.has(id) ? [toMemory(byId.get(id)!)] : [])),
      nextCursor: null,
    };
  });

  router.patch('/:id', async (ctx) => {
    const body = parseBody<{ text?: string; kind?: string; importance?: number }>(
      patchSchema,
      ctx.request.body,
    );
    const user = ctx.state.user!;
    const id = ctx.params.id!;
    if (!isUuid(id)) throw notFound('Memory');
    const patch: Record<string, unknown> = { updated_at: services.knex.fn.now() };
    if (body.text !== undefined) {
      const text = body.text.trim();
      const [vector] = await services.memory.embedder.embed([text]);
      patch.text = text;
      patch.embedding = toVectorLiteral(vector!);
    }
    if (body.kind !== undefined) patch.kind = body.kind;
    if (body.importance !== undefined) patch.importance = body.importance;
    const [row] = await ownCurrent(services, user)
      .where({ id })
      .update(patch)
      .returning(MEMORY_COLUMNS);
    if (!row) throw notFound('Memory');
    ctx.body = toMemory(row);
  });

  router.delete('/:id', async (ctx) => {
    const user = ctx.state.user!;
    const id = ctx.params.id!;
    if (!isUuid(id)) throw notFound('Memory');
    const exists = await ownCurrent(services, user).where({ id }).first('id');
    if (!exists) throw notFound('Memory');
    await deleteMemoryChain(services.knex, user, id);
    ctx.status = 204;
  });

  router.delete('/', async (ctx) => {
    const user = ctx.state.user!;
    const deleted = await forgetEverything(services.knex, user);
    services.memory.cache.evictUser(user.tenantId, user.userId);
    ctx.body = { deleted };
  });

  return router;
}
