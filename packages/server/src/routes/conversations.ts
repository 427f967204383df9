import Router from '@koa/router';
import type { AppServices } from '../app-services.js';
import type { UserAuth } from '../http/koa-state.js';
import { requireUser } from '../auth/middleware.js';
import { scope } from '../db/scoped.js';
import { toConversation, toMessage } from '../http/dto.js';
import { parseBody, parseQuery } from '../http/validate.js';
import { pageQuerySchema, paginate } from './pagination.js';

const createSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    title: { type: 'string', maxLength: 200 },
    metadata: { type: 'object', maxProperties: 20 },
  },
};
const updateSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['title'],
  properties: { title: { type: 'string', maxLength: 200 } },
};
const messagesQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    afterSeq: { type: 'integer', minimum: 0 },
  },
};

/** The caller's own conversations only (db/scoped.ts applies tenant and user). */
export function ownConversations(services: AppServices, user: UserAuth) {
  return scope(services, user).conversations();
}

/** One of the caller's conversations; anyone else's is a 404, like a missing one. */
export async function findOwnConversation(services: AppServices, user: UserAuth, id: string) {
  return scope(services, user).conversation(id);
}

export function conversationRoutes(services: AppServices): Router {
  const router = new Router({ prefix: '/v1/conversations' });
  router.use(requireUser(services));

  router.post('/', async (ctx) => {
    const body = parseBody<{ title?: string; metadata?: object }>(createSchema, ctx.request.body);
    const user = ctx.state.user!;
    const [row] = await scope(services, user)
      .insert('conversations', {
        title: body.title ?? null,
        metadata: JSON.stringify(body.metadata ?? {}),
      })
      .returning('*');
    ctx.status = 201;
    ctx.body = toConversation(row);
  });

  router.get('/', async (ctx) => {
    const q = parseQuery<{ limit: number; cursor?: string }>(pageQuerySchema, ctx.query);
    const page = await paginate(ownConversations(services, ctx.state.user!), q, 'updated_at');
    ctx.body = { data: page.rows.map(toConversation), nextCursor: page.nextCursor };
  });

  router.get('/:id', async (ctx) => {
    ctx.body = toConversation(await findOwnConversation(services, ctx.state.user!, ctx.params.id!));
  });

  router.patch('/:id', async (ctx) => {
    const body = parseBody<{ title: string }>(updateSchema, ctx.request.body);
    const conv = await findOwnConversation(services, ctx.state.user!, ctx.params.id!);
    const [row] = await ownConversations(services, ctx.state.user!)
      .where({ id: conv.id })
      .update({ title: body.title, updated_at: services.knex.fn.now() })
      .returning('*');
    ctx.body = toConversation(row);
  });

  router.delete('/:id', async (ctx) => {
    const conv = await findOwnConversation(services, ctx.state.user!, ctx.params.id!);
    await ownConversations(services, ctx.state.user!).where({ id: conv.id }).delete();
    ctx.status = 204;
  });

  router.get('/:id/messages', async (ctx) => {
    const q = parseQuery<{ limit: number; afterSeq?: number }>(messagesQuerySchema, ctx.query);
    const user = ctx.state.user!;
    const conv = await findOwnConversation(services, user, ctx.params.id!);
    const query = scope(services, user)
      .messages(conv.id as string)
      .orderBy('seq', 'asc')
      .limit(q.limit + 1);
    if (q.afterSeq !== undefined) query.where('seq', '>', q.afterSeq);
    const rows = await query;
    const more = rows.length > q.limit;
    if (more) rows.pop();
    ctx.body = {
      data: rows.map(toMessage),
      nextCursor: more ? String(rows[rows.length - 1].seq) : null,
    };
  });

  return router;
}
