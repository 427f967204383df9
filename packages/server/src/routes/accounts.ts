import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { sha256 } from '../auth/secrets.js';
import type { SignIn } from '../auth/sign-in.js';
import { unauthorized } from '../errors/domain-error.js';
import type { AnyRoute } from '../http/routing/route.js';
import { defineRoute } from '../http/routing/route.js';
import { authErrors, conflictError, forbiddenError, invalidError } from '../http/schemas/common.js';
import { signedInExample, signedInSchema } from '../http/schemas/session.js';
import type { TenantThrottle } from '../http/tenant-throttle.js';
import { loginRules } from '../limits/limit-rules.js';
import type { SignInStore } from '../stores/sign-in-store.js';

const credentials = {
  email: { type: 'string', format: 'email', maxLength: 320 },
  password: { type: 'string', minLength: 10, maxLength: 200 },
};
const signupBody = {
  type: 'object',
  additionalProperties: false,
  required: ['email', 'password'],
  properties: { ...credentials, name: { type: 'string', minLength: 1, maxLength: 200 } },
};
const loginBody = {
  type: 'object',
  additionalProperties: false,
  required: ['email', 'password'],
  properties: { ...credentials, password: { type: 'string', minLength: 1, maxLength: 200 } },
};

const normalize = (email: string): string => email.trim().toLowerCase();
const tags = ['accounts'];
const signedIn = {
  description: 'A session of the account; `merged` counts the visitor rows that moved to it',
  schema: signedInSchema,
  example: signedInExample,
};

/**
 * Email + password accounts for the hosted chat page. Passwords are hashed
 * with scrypt (per-user salt); login is throttled per IP and per account and
 * answers an unknown email exactly like a wrong password, in the same time.
 * A visitor's anonymous conversations move to the account they sign in to.
 */
export function accountRoutes(deps: {
  users(tenantId: string): SignInStore;
  signIn: SignIn;
  throttle: TenantThrottle;
}): AnyRoute[] {
  const throttle = (ctx: Parameters<TenantThrottle>[0], tenantId: string, email: string | null) => {
    const account = email ? sha256(`${tenantId}:${email}`).slice(0, 32) : null;
    return deps.throttle(ctx, tenantId, (limits) => loginRules(limits, tenantId, ctx.ip, account));
  };
  return [
    defineRoute<{ email: string; password: string; name?: string }>({
      method: 'POST',
      path: '/v1/accounts/signup',
      auth: 'account',
      noStore: true,
      summary: 'Create an email + password account and sign in to it',
      tags,
      body: signupBody,
      responses: {
        201: signedIn,
        ...invalidError,
        ...forbiddenError,
        ...conflictError,
        ...authErrors,
      },
      async handler(ctx, { body }) {
        const { tenantId, visitor } = ctx.state.account!;
        await throttle(ctx, tenantId, null);
        const passwordHash = await hashPassword(body.password);
        ctx.status = 201;
        ctx.body = await deps.signIn({
          tenantId,
          visitor,
          userAgent: ctx.get('user-agent'),
          user: (users) =>
            users.createAccount({ email: normalize(body.email), name: body.name, passwordHash }),
        });
      },
    }),
    defineRoute<{ email: string; password: string }>({
      method: 'POST',
      path: '/v1/accounts/login',
      auth: 'account',
      noStore: true,
      summary: 'Sign in with email and password',
      tags,
      body: loginBody,
      responses: { 200: signedIn, ...invalidError, ...forbiddenError, ...authErrors },
      async handler(ctx, { body }) {
        const { tenantId, visitor } = ctx.state.account!;
        const email = normalize(body.email);
        await throttle(ctx, tenantId, email);
        const account = await deps.users(tenantId).findAccount(email);
        // Unknown email: a dummy hash is checked so both answers take the same time.
        const ok = await verifyPassword(body.password, account?.passwordHash ?? null);
        if (!account || !ok) throw unauthorized('Invalid email or password');
        ctx.body = await deps.signIn({
          tenantId,
          visitor,
          userAgent: ctx.get('user-agent'),
          user: async () => account.id,
        });
      },
    }),
  ];
}
