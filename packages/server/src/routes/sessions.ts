import Router from '@koa/router';
import type { AppServices } from '../app-services.js';
import { requireApiKey } from '../auth/middleware.js';
import { forbidden } from '../http/errors.js';
import { parseBody } from '../http/validate.js';

const createSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    externalUserId: { type: 'string', minLength: 1, maxLength: 200 },
    name: { type: 'string', maxLength: 200 },
    email: { type: 'string', format: 'email', maxLength: 320 },
    traits: { type: 'object', maxProperties: 50 },
  },
};

const refreshSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['refreshToken'],
  properties: { refreshToken: { type: 'string', minLength: 10, maxLength: 200 } },
};

interface CreateBody {
  externalUserId?: string;
  name?: string;
  email?: string;
  traits?: Record<string, unknown>;
}

export function sessionRoutes(services: AppServices): Router {
  const router = new Router({ prefix: '/v1/sessions' });

  /**
   * pk_ (browser, allowed origin): a new anonymous visitor.
   * sk_ (tenant backend): a session for the tenant's own user id.
   */
  router.post('/', requireApiKey(services, ['publishable', 'secret']), async (ctx) => {
    const body = parseBody<CreateBody>(createSchema, ctx.request.body);
    const key = ctx.state.apiKey!;
    const userAgent = ctx.get('user-agent');
    if (key.type === 'publishable') {
      if (body.externalUserId || body.email || body.name || body.traits) {
        throw forbidden('A publishable key can only start anonymous sessions');
      }
      const [user] = await services
        .knex('users')
        .insert({ tenant_id: key.tenantId, anonymous: true })
        .returning('id');
      ctx.status = 201;
      ctx.body = await services.sessions.issue(key.tenantId, user.id, { userAgent });
      return;
    }
    let userId: string;
    if (body.externalUserId) {
      const [user] = await services
        .knex('users')
        .insert({
          tenant_id: key.tenantId,
          external_id: body.externalUserId,
          anonymous: false,
          name: body.name ?? null,
          email: body.email ?? null,
          traits: JSON.stringify(body.traits ?? {}),
        })
        .onConflict(services.knex.raw('(tenant_id, external_id) where external_id is not null'))
        .merge({
          name: services.knex.raw('coalesce(excluded.name, users.name)'),
          email: services.knex.raw('coalesce(excluded.email, users.email)'),
          updated_at: services.knex.fn.now(),
        })
        .returning('id');
      userId = user.id;
    } else {
      const [user] = await services
        .knex('users')
        .insert({ tenant_id: key.tenantId, anonymous: true })
        .returning('id');
      userId = user.id;
    }
    ctx.status = 201;
    ctx.body = await services.sessions.issue(key.tenantId, userId, { userAgent });
  });

  router.post('/refresh', async (ctx) => {
    const body = parseBody<{ refreshToken: string }>(refreshSchema, ctx.request.body);
    ctx.body = await services.sessions.refresh(body.refreshToken, ctx.get('user-agent'));
  });

  return router;
}
