import Router from '@koa/router';
import type { Context } from 'koa';
import type { AppServices } from '../app-services.js';
import { requireAccountContext } from '../auth/account-auth.js';
import { mergeAnonymousUser, publishMerge } from '../auth/merge-anonymous.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { sha256 } from '../auth/secrets.js';
import { tenantScope } from '../db/scoped.js';
import { DomainError, unauthorized } from '../errors/domain-error.js';
import { enforceRateLimit } from '../http/rate-limit.js';
import { parseBody } from '../http/validate.js';
import { effectiveRateLimits, loginRules } from '../limits/limit-rules.js';

const credentials = {
  email: { type: 'string', format: 'email', maxLength: 320 },
  password: { type: 'string', minLength: 10, maxLength: 200 },
};
const signupSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['email', 'password'],
  properties: { ...credentials, name: { type: 'string', minLength: 1, maxLength: 200 } },
};
const loginSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['email', 'password'],
  properties: { ...credentials, password: { type: 'string', minLength: 1, maxLength: 200 } },
};

const normalize = (email: string): string => email.trim().toLowerCase();

/**
 * Email + password accounts for the hosted chat page. Passwords are hashed
 * with scrypt (per-user salt); login is throttled per IP and per account and
 * answers an unknown email exactly like a wrong password, in the same time.
 * A visitor's anonymous conversations move to the account they sign in to.
 */
export function accountRoutes(services: AppServices): Router {
  const router = new Router({ prefix: '/v1/accounts' });
  router.use(requireAccountContext(services));
  router.use(async (ctx, next) => {
    ctx.set('cache-control', 'no-store');
    await next();
  });

  const throttle = async (ctx: Context, email: string | null) => {
    const { tenantId } = ctx.state.account!;
    const tenant = await services.tenants.get(tenantId);
    const limits = effectiveRateLimits(services.config, tenant?.settings);
    const account = email ? sha256(`${tenantId}:${email}`).slice(0, 32) : null;
    await enforceRateLimit(ctx, services, loginRules(limits, tenantId, ctx.ip, account));
  };

  router.post('/signup', async (ctx) => {
    await throttle(ctx, null);
    const body = parseBody<{ email: string; password: string; name?: string }>(
      signupSchema,
      ctx.request.body,
    );
    const { tenantId, visitor } = ctx.state.account!;
    const passwordHash = await hashPassword(body.password);
    const result = await tenantScope(services, tenantId).transaction(async (trx, t) => {
      let userId: string;
      try {
        const [row] = await t
          .insert('users', {
            anonymous: false,
            email: normalize(body.email),
            name: body.name ?? null,
            password_hash: passwordHash,
          })
          .returning('id');
        userId = row.id;
      } catch (err) {
        if ((err as { code?: string }).code === '23505') {
          // Without email verification a taken address cannot be hidden; say it plainly.
          throw new DomainError('conflict', 'An account with this email already exists; log in');
        }
        throw err;
      }
      const merge = visitor ? await mergeAnonymousUser(trx, t, visitor.userId, userId) : null;
      const tokens = await services.sessions.issue(tenantId, userId, {
        userAgent: ctx.get('user-agent'),
        trx,
      });
      return { tokens, merge };
    });
    await publishMerge(services, visitor, result.merge);
    ctx.status = 201;
    ctx.body = { ...result.tokens, merged: result.merge?.merged ? result.merge.moved : null };
  });

  router.post('/login', async (ctx) => {
    const body = parseBody<{ email: string; password: string }>(loginSchema, ctx.request.body);
    const email = normalize(body.email);
    await throttle(ctx, email);
    const { tenantId, visitor } = ctx.state.account!;
    const user = await tenantScope(services, tenantId)
      .rows('users')
      .whereRaw('lower(email) = ?', [email])
      .whereNotNull('password_hash')
      .whereNull('merged_into')
      .first('id', 'password_hash');
    // Unknown email: a dummy hash is checked so both answers take the same time.
    const ok = await verifyPassword(body.password, user?.password_hash ?? null);
    if (!user || !ok) throw unauthorized('Invalid email or password');
    const result = await tenantScope(services, tenantId).transaction(async (trx, t) => {
      const merge = visitor ? await mergeAnonymousUser(trx, t, visitor.userId, user.id) : null;
      const tokens = await services.sessions.issue(tenantId, user.id, {
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
