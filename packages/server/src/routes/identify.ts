import Router from '@koa/router';
import type { AppServices } from '../app-services.js';
import { verifyIdentityToken } from '../auth/identity-token.js';
import { mergeAnonymousUser, publishMerge } from '../auth/merge-anonymous.js';
import { authenticateAccessToken, bearer, checkTenantOrigin } from '../auth/middleware.js';
import { bodyCredential } from '../auth/route-auth.js';
import { upsertExternalUser } from '../auth/upsert-external-user.js';
import { tenantScope } from '../db/scoped.js';
import { forbidden } from '../errors/domain-error.js';
import type { UserAuth } from '../http/koa-state.js';
import { enforceRateLimit } from '../http/rate-limit.js';
import { parseBody } from '../http/validate.js';
import { effectiveRateLimits } from '../limits/limit-rules.js';

const identifySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['identityToken'],
  properties: { identityToken: { type: 'string', minLength: 20, maxLength: 8192 } },
};

/**
 * `POST /v1/sessions/identify`: the tenant's backend signed who this visitor
 * is (an identity token, HS256 with the tenant's identity secret); exchange
 * it for a session of that user. Sent with the visitor's current anonymous
 * access token, the visitor's conversations and memories move to the user.
 */
export function identifyRoutes(services: AppServices): Router {
  const router = new Router({ prefix: '/v1/sessions' });

  router.post('/identify', bodyCredential('identity token'), async (ctx) => {
    ctx.set('cache-control', 'no-store');
    const body = parseBody<{ identityToken: string }>(identifySchema, ctx.request.body);
    const { tenantId, claims } = await verifyIdentityToken(
      body.identityToken,
      services.identitySecrets,
    );
    let visitor: UserAuth | null = null;
    const current = bearer(ctx.get('authorization'));
    if (current) {
      visitor = await authenticateAccessToken(services, current);
      if (visitor.tenantId !== tenantId) {
        throw forbidden('The current session belongs to another tenant');
      }
    }
    await checkTenantOrigin(ctx, services, tenantId);
    const tenant = await services.tenants.get(tenantId);
    const limits = effectiveRateLimits(services.config, tenant?.settings);
    await enforceRateLimit(ctx, services, [
      {
        key: `ip-sessions:${tenantId}:${ctx.ip}`,
        limit: limits.sessionsPerMinutePerIp,
        windowMs: 60_000,
      },
    ]);

    const result = await tenantScope(services, tenantId).transaction(async (trx, t) => {
      const userId = await upsertExternalUser(trx, tenantId, {
        externalId: claims.sub,
        name: claims.name,
        email: claims.email,
        traits: claims.traits,
      });
      const merge = visitor ? await mergeAnonymousUser(trx, t, visitor.userId, userId) : null;
      const tokens = await services.sessions.issue(tenantId, userId, {
        userAgent: ctx.get('user-agent'),
        trx,
      });
      return { tokens, merge };
    });
    await publishMerge(services, visitor, result.merge);
    ctx.body = { ...result.tokens, merged: result.merge?.merged ? result.merge.moved : null };
  });

  return router;
}
