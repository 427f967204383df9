import type { Middleware } from 'koa';
import type { AppServices } from '../app-services.js';
import { ApiError, forbidden, unauthorized } from '../http/errors.js';
import { verifyAccessToken } from './access-token.js';
import { originAllowed } from './origins.js';
import { keyTypeOf, safeEqual, sha256 } from './secrets.js';

export function bearer(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m ? m[1]! : null;
}

/** Operator endpoints: the platform admin token, compared in constant time. */
export function requireAdmin(services: AppServices): Middleware {
  return async (ctx, next) => {
    const expected = services.config.adminToken;
    if (!expected) throw forbidden('Admin API is disabled: set PARLEY_ADMIN_TOKEN');
    const token = bearer(ctx.get('authorization'));
    if (!token || !safeEqual(token, expected)) throw unauthorized('Invalid admin token');
    return next();
  };
}

/** End-user endpoints: a locally verified access JWT (no database). */
export function requireUser(services: AppServices): Middleware {
  return async (ctx, next) => {
    const token = bearer(ctx.get('authorization'));
    if (!token) throw unauthorized('Missing access token');
    if (keyTypeOf(token))
      throw unauthorized('An API key cannot call this endpoint; create a session first');
    ctx.state.user = verifyAccessToken(token, services.config.jwtSecret);
    return next();
  };
}

/**
 * API-key endpoints. A publishable key only works from one of its allowed
 * origins; a secret key must never come from a browser origin it allows.
 */
export function requireApiKey(
  services: AppServices,
  types: ('secret' | 'publishable')[],
): Middleware {
  return async (ctx, next) => {
    const token = bearer(ctx.get('authorization'));
    const type = token ? keyTypeOf(token) : null;
    if (!token || !type) throw unauthorized('Missing API key');
    const key = await services.apiKeys.lookup(sha256(token));
    if (!key) throw unauthorized('Invalid or revoked API key');
    if (!types.includes(key.type)) {
      throw forbidden(`This endpoint needs a ${types.join(' or ')} key`);
    }
    if (key.type === 'publishable') {
      const origin = ctx.get('origin');
      if (!origin || !originAllowed(origin, key.allowedOrigins)) {
        throw new ApiError('forbidden', 'Origin is not allowed for this publishable key', {
          origin: origin || null,
        });
      }
    }
    ctx.state.apiKey = { keyId: key.id, tenantId: key.tenantId, type: key.type };
    return next();
  };
}
