import Router from '@koa/router';
import type { AppServices } from '../app-services.js';
import { checkTenantOrigin, requireApiKey } from '../auth/middleware.js';
import { bodyCredential } from '../auth/route-auth.js';
import { upsertExternalUser } from '../auth/upsert-external-user.js';
import { forbidden } from '../errors/domain-error.js';
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

async function anonymousUser(services: AppServices, tenantId: string): Promise<string> {
  const [user] = await services
    .knex('users')
    .insert({ tenant_id: tenantId, anonymous: true })
    .returning('id');
  return user.id as string;
}

export function sessionRoutes(services: AppServices): Router {
  const router = new Router({ prefix: '/v1/sessions' });
  // Tokens must never sit in a shared cache.
  router.use(async (ctx, next) => {
    ctx.set('cache-control', 'no-store');
    await next();
  });

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
      ctx.status = 201;
      ctx.body = await services.sessions.issue(
        key.tenantId,
        await anonymousUser(services, key.tenantId),
        { userAgent },
      );
      return;
    }
    const userId = body.externalUserId
      ? await upsertExternalUser(services.knex, key.tenantId, {
          externalId: body.externalUserId,
          name: body.name,
          email: body.email,
          traits: body.traits,
        })
      : await anonymousUser(services, key.tenantId);
    ctx.status = 201;
    ctx.body = await services.sessions.issue(key.tenantId, userId, { userAgent });
  });

  router.post('/refresh', bodyCredential('refresh token'), async (ctx) => {
    const body = parseBody<{ refreshToken: string }>(refreshSchema, ctx.request.body);
    ctx.body = await services.sessions.refresh(body.refreshToken, {
      userAgent: ctx.get('user-agent'),
      // A browser may refresh only from the tenant's origins; checked before rotating.
      checkTenant: (tenantId) => checkTenantOrigin(ctx, services, tenantId),
    });
  });

  return router;
}
