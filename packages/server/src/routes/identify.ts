import type { Context } from 'koa';
import type { IdentityClaims } from '../auth/identity-token.js';
import { bearer } from '../auth/middleware.js';
import type { SignIn } from '../auth/sign-in.js';
import { forbidden } from '../errors/domain-error.js';
import type { UserAuth } from '../http/koa-state.js';
import type { AnyRoute } from '../http/routing/route.js';
import { defineRoute } from '../http/routing/route.js';
import { authErrors, conflictError, forbiddenError, invalidError } from '../http/schemas/common.js';
import { signedInExample, signedInSchema } from '../http/schemas/session.js';
import type { TenantThrottle } from '../http/tenant-throttle.js';

const identifyBody = {
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
export function identifyRoutes(deps: {
  verifyIdentity(token: string): Promise<{ tenantId: string; claims: IdentityClaims }>;
  /** The visitor's current access token, verified (401 when it is not valid). */
  authenticate(accessToken: string): Promise<UserAuth>;
  checkOrigin(ctx: Context, tenantId: string): Promise<void>;
  throttle: TenantThrottle;
  signIn: SignIn;
}): AnyRoute[] {
  return [
    defineRoute<{ identityToken: string }>({
      method: 'POST',
      path: '/v1/sessions/identify',
      auth: 'body-token',
      noStore: true,
      summary:
        'Exchange a tenant-signed identity token for a session; with the visitor’s anonymous token, their data moves to the user',
      tags: ['sessions'],
      body: identifyBody,
      responses: {
        200: {
          description: 'A session of the identified user',
          schema: signedInSchema,
          example: signedInExample,
        },
        ...invalidError,
        ...forbiddenError,
        ...conflictError,
        ...authErrors,
      },
      async handler(ctx, { body }) {
        const { tenantId, claims } = await deps.verifyIdentity(body.identityToken);
        const current = bearer(ctx.get('authorization'));
        const visitor = current ? await deps.authenticate(current) : null;
        if (visitor && visitor.tenantId !== tenantId) {
          throw forbidden('The current session belongs to another tenant');
        }
        await deps.checkOrigin(ctx, tenantId);
        await deps.throttle(ctx, tenantId, (limits) => [
          {
            key: `ip-sessions:${tenantId}:${ctx.ip}`,
            limit: limits.sessionsPerMinutePerIp,
            windowMs: 60_000,
          },
        ]);
        ctx.body = await deps.signIn({
          tenantId,
          visitor,
          userAgent: ctx.get('user-agent'),
          user: (users) =>
            users.upsertExternal({
              externalId: claims.sub,
              name: claims.name,
              email: claims.email,
              traits: claims.traits,
            }),
        });
      },
    }),
  ];
}
