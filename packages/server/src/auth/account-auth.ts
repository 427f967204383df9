import type { Middleware } from 'koa';
import type { AppServices } from '../app-services.js';
import { DomainError, unauthorized } from '../errors/domain-error.js';
import type { UserAuth } from '../http/koa-state.js';
import {
  authenticateAccessToken,
  bearer,
  checkKeyOrigin,
  checkTenantOrigin,
} from './middleware.js';
import { keyTypeOf, sha256 } from './secrets.js';

declare module 'koa' {
  interface DefaultState {
    /** Set by `requireAccountContext`: the tenant, and the visitor to merge if any. */
    account?: { tenantId: string; visitor: UserAuth | null };
  }
}

/**
 * Email + password endpoints (the hosted chat page). The tenant comes from
 * `Authorization`: its publishable key (allowed origins only), or the
 * visitor's current anonymous session, whose conversations then move to the
 * account. The password itself is checked by the handler.
 */
export function requireAccountContext(services: AppServices): Middleware {
  return async (ctx, next) => {
    const token = bearer(ctx.get('authorization'));
    if (!token) throw unauthorized('Send the publishable key or the current session token');
    const type = keyTypeOf(token);
    if (type === 'secret') {
      throw new DomainError('forbidden', 'Accounts are for browsers: use the publishable key');
    }
    if (type === 'publishable') {
      const key = await services.apiKeys.lookup(sha256(token));
      if (!key) throw unauthorized('Invalid or revoked API key');
      checkKeyOrigin(ctx, services, key.allowedOrigins);
      ctx.state.account = { tenantId: key.tenantId, visitor: null };
      return next();
    }
    const visitor = await authenticateAccessToken(services, token);
    await checkTenantOrigin(ctx, services, visitor.tenantId);
    ctx.state.account = { tenantId: visitor.tenantId, visitor };
    return next();
  };
}
