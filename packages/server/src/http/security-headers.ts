import type { Middleware } from 'koa';
import type { ServerConfig } from '../config/env.js';

/** JSON and event streams: nothing may load, frame or run from an API response. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";
/** HTML pages that set no policy of their own: same-origin only, no inline script. */
export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export function securityHeaders(config: ServerConfig): Middleware {
  const hsts = config.publicUrl?.startsWith('https:') ?? false;
  return async (ctx, next) => {
    ctx.set('x-content-type-options', 'nosniff');
    ctx.set('referrer-policy', 'no-referrer');
    // Behind TLS (directly, via PARLEY_PUBLIC_URL, or X-Forwarded-Proto with PARLEY_TRUST_PROXY).
    if (hsts || ctx.protocol === 'https')
      ctx.set('strict-transport-security', 'max-age=15552000; includeSubDomains');
    // Set before the handler so streamed responses (written directly) carry it too.
    ctx.set('content-security-policy', API_CSP);
    await next();
    if (ctx.headerSent) return;
    const csp = ctx.response.get('content-security-policy');
    if (ctx.response.is('html') && csp === API_CSP) ctx.set('content-security-policy', PAGE_CSP);
    if (ctx.response.is('html')) ctx.set('x-frame-options', 'DENY');
  };
}
