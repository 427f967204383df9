import type { Context } from 'koa';
import type { SessionService } from '../auth/session-service.js';
import { forbidden } from '../errors/domain-error.js';
import type { AnyRoute } from '../http/routing/route.js';
import { defineRoute } from '../http/routing/route.js';
import {
  authErrors,
  forbiddenError,
  invalidError,
  unauthorizedError,
} from '../http/schemas/common.js';
import { sessionTokensExample, sessionTokensSchema } from '../http/schemas/session.js';
import type { SignInStore } from '../stores/sign-in-store.js';

interface CreateBody {
  externalUserId?: string;
  name?: string;
  email?: string;
  traits?: Record<string, unknown>;
}

const createBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    externalUserId: { type: 'string', minLength: 1, maxLength: 200 },
    name: { type: 'string', maxLength: 200 },
    email: { type: 'string', format: 'email', maxLength: 320 },
    traits: { type: 'object', maxProperties: 50 },
  },
};
const refreshBody = {
  type: 'object',
  additionalProperties: false,
  required: ['refreshToken'],
  properties: { refreshToken: { type: 'string', minLength: 10, maxLength: 200 } },
};

const tags = ['sessions'];
const tokens = {
  description: 'Access token (JWT), refresh token and the user',
  schema: sessionTokensSchema,
  example: sessionTokensExample,
};

/** Starting a session with an API key, and rotating it with its refresh token. Never cached. */
export function sessionRoutes(deps: {
  users(tenantId: string): SignInStore;
  sessions: Pick<SessionService, 'issue' | 'refresh'>;
  /** A browser may act for a tenant only from the tenant's origins (403 otherwise). */
  checkOrigin(ctx: Context, tenantId: string): Promise<void>;
}): AnyRoute[] {
  return [
    defineRoute<CreateBody>({
      method: 'POST',
      path: '/v1/sessions',
      auth: 'api-key',
      noStore: true,
      summary:
        'pk_ key (browser, allowed origin): a new anonymous visitor. sk_ key (tenant backend): a session for the tenant’s own user id',
      tags,
      body: createBody,
      responses: {
        201: { ...tokens, description: 'A new session' },
        ...invalidError,
        ...forbiddenError,
        ...authErrors,
      },
      async handler(ctx, { body }) {
        const key = ctx.state.apiKey!;
        const users = deps.users(key.tenantId);
        if (
          key.type === 'publishable' &&
          (body.externalUserId || body.email || body.name || body.traits)
        ) {
          throw forbidden('A publishable key can only start anonymous sessions');
        }
        const userId = body.externalUserId
          ? await users.upsertExternal({
              externalId: body.externalUserId,
              name: body.name,
              email: body.email,
              traits: body.traits,
            })
          : await users.createAnonymous();
        ctx.status = 201;
        ctx.body = await deps.sessions.issue(key.tenantId, userId, {
          userAgent: ctx.get('user-agent'),
          // Revoking the secret key ends the logins it started; a publishable key's
          // anonymous visitors keep theirs (the key only stops starting new ones).
          apiKeyId: key.type === 'secret' ? key.keyId : null,
        });
      },
    }),
    defineRoute<{ refreshToken: string }>({
      method: 'POST',
      path: '/v1/sessions/refresh',
      auth: 'body-token',
      noStore: true,
      summary: 'Rotate a refresh token; a spent one revokes the whole login',
      tags,
      body: refreshBody,
      responses: {
        200: { ...tokens, description: 'The next access and refresh token' },
        ...invalidError,
        ...forbiddenError,
        ...unauthorizedError,
      },
      async handler(ctx, { body }) {
        ctx.body = await deps.sessions.refresh(body.refreshToken, {
          userAgent: ctx.get('user-agent'),
          // Checked before rotating, so a foreign page cannot spend the token.
          checkTenant: (tenantId) => deps.checkOrigin(ctx, tenantId),
        });
      },
    }),
  ];
}
