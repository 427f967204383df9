import type { Context, Middleware } from 'koa';
import type { AppServices } from '../app-services.js';
import { allowOrigin, crossOrigin } from '../http/cors.js';
import { DomainError, forbidden, unauthorized } from '../errors/domain-error.js';
import type { UserAuth } from '../http/koa-state.js';
import { enforceRateLimit, rateLimitedError, rateLimitHeaders } from '../http/rate-limit.js';
import { apiKeyRules, effectiveRateLimits, userRules } from '../limits/limit-rules.js';
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

/**
 * An access token as a user identity: signature, claims, and revocation
 * (logout, admin revoke) checked from memory. For the WebSocket handler too.
 */
export async function authenticateAccessToken(
  services: Pick<AppServices, 'keyring' | 'revocations' | 'clock'>,
  token: string,
): Promise<UserAuth> {
  if (keyTypeOf(token))
    throw unauthorized('An API key cannot call this endpoint; create a session first');
  const now = services.clock.now();
  const claims = verifyAccessToken(token, services.keyring, now);
  if (await services.revocations.isRevoked(claims.sessionFamilyId, now)) {
    throw unauthorized('Session was revoked');
  }
  return claims;
}

/** A browser origin must be one of the tenant's publishable-key origins (or our own). */
export async function checkTenantOrigin(
  ctx: Context,
  services: Pick<AppServices, 'config' | 'tenantOrigins'>,
  tenantId: string,
): Promise<void> {
  const origin = crossOrigin(ctx, services.config.publicUrl);
  if (!origin) return;
  if (!(await services.tenantOrigins.allows(tenantId, origin))) {
    throw new DomainError('forbidden', 'Origin is not allowed for this tenant', { origin });
  }
  allowOrigin(ctx, origin);
}

/**
 * A publishable key works from browsers only (an Origin is required) and
 * only from its allowed origins; the server's own pages may use any key.
 */
export function checkKeyOrigin(
  ctx: Context,
  services: Pick<AppServices, 'config'>,
  allowedOrigins: readonly string[],
): void {
  const sent = ctx.get('origin');
  const origin = crossOrigin(ctx, services.config.publicUrl);
  if (!sent || (origin && !originAllowed(origin, allowedOrigins))) {
    throw new DomainError('forbidden', 'Origin is not allowed for this publishable key', {
      origin: sent || null,
    });
  }
  if (origin) allowOrigin(ctx, origin);
}

/**
 * Per-user and per-tenant request rate (one Redis call). REST calls go
 * through requireUser; the WebSocket handler calls this for frames that are
 * not turns (turns are counted by prepareTurn). Returns RateLimit-* headers.
 */
export async function checkUserRateLimit(
  services: AppServices,
  user: { tenantId: string; userId: string },
): Promise<Record<string, string>> {
  const tenant = await services.tenants.get(user.tenantId);
  const r = await services.infra.rateLimiter.hit(
    userRules(effectiveRateLimits(services.config, tenant?.settings), user),
    services.clock.now(),
  );
  if (!r.allowed) throw rateLimitedError(r);
  return rateLimitHeaders(r);
}

/**
 * End-user endpoints: a locally verified access JWT (no database), origin,
 * and the request rate unless the route counts it itself (`rateLimit:
 * 'handler'`: the turn checks it with the quotas in one Redis call).
 */
export function requireUser(
  services: AppServices,
  opts: { rateLimit: boolean } = { rateLimit: true },
): Middleware {
  return async (ctx, next) => {
    const token = bearer(ctx.get('authorization'));
    if (!token) throw unauthorized('Missing access token');
    const user = await authenticateAccessToken(services, token);
    await checkTenantOrigin(ctx, services, user.tenantId);
    if (opts.rateLimit) ctx.set(await checkUserRateLimit(services, user));
    ctx.state.user = user;
    return next();
  };
}

/**
 * API-key endpoints. A publishable key only works from one of its allowed
 * origins; a secret key is refused from any browser origin but our own.
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
    if (key.type === 'publishable') checkKeyOrigin(ctx, services, key.allowedOrigins);
    else if (crossOrigin(ctx, services.config.publicUrl)) {
      throw forbidden('A secret key must never be used from a browser; use a publishable key');
    }
    const tenant = await services.tenants.get(key.tenantId);
    const limits = effectiveRateLimits(services.config, tenant?.settings);
    await enforceRateLimit(ctx, services, apiKeyRules(limits, { ...key, keyId: key.id }, ctx.ip));
    ctx.state.apiKey = { keyId: key.id, tenantId: key.tenantId, type: key.type };
    return next();
  };
}
