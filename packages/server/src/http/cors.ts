import type { Context, Middleware } from 'koa';
import { RATE_LIMIT_HEADERS } from './rate-limit.js';

const ALLOWED_METHODS = 'GET, POST, PATCH, PUT, DELETE';
const ALLOWED_HEADERS = new Set([
  'authorization',
  'content-type',
  'accept',
  'x-request-id',
  'last-event-id',
]);
const EXPOSED = [...RATE_LIMIT_HEADERS, 'Retry-After', 'X-Request-Id'].join(', ');

/**
 * CORS for browser callers. Which origin may use a tenant is decided where
 * the tenant becomes known (auth middleware: the pk_ key's allowed origins,
 * or for access tokens the origins of the tenant's publishable keys), which
 * refuses other origins with 403 before anything changes and calls
 * `allowOrigin`. Here: preflights, exposed headers, and readable error
 * envelopes (they carry no tenant data, and no endpoint uses cookies, so no
 * `Allow-Credentials`: a page can only send a token it already holds).
 */
export function cors(): Middleware {
  return async (ctx, next) => {
    const origin = ctx.get('origin');
    if (!origin) return next();
    ctx.vary('Origin');
    if (ctx.method === 'OPTIONS' && ctx.get('access-control-request-method')) {
      // A preflight grants nothing by itself: the real request is checked per tenant.
      const requested = ctx
        .get('access-control-request-headers')
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter((h) => ALLOWED_HEADERS.has(h));
      ctx.set({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': ALLOWED_METHODS,
        'Access-Control-Allow-Headers': requested.join(', '),
        'Access-Control-Max-Age': '600',
      });
      ctx.status = 204;
      return;
    }
    ctx.set('Access-Control-Expose-Headers', EXPOSED);
    await next();
    if (!ctx.headerSent && ctx.status >= 400 && !ctx.response.get('Access-Control-Allow-Origin')) {
      ctx.set('Access-Control-Allow-Origin', origin);
    }
  };
}

/** The request's browser origin when it is not the server's own, else null. */
export function crossOrigin(ctx: Context, publicUrl: string | null): string | null {
  const origin = ctx.get('origin');
  // Not ctx.origin: in Koa 3 that is the Origin header itself.
  if (!origin || origin === `${ctx.protocol}://${ctx.host}`) return null;
  if (publicUrl && origin === new URL(publicUrl).origin) return null;
  return origin;
}

export function allowOrigin(ctx: Context, origin: string): void {
  ctx.set('Access-Control-Allow-Origin', origin);
}
