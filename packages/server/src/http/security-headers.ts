import type { Middleware } from 'koa';
import type { ServerConfig } from '../config/env.js';

export function securityHeaders(config: ServerConfig): Middleware {
  const hsts = config.publicUrl?.startsWith('https:') ?? false;
  return async (ctx, next) => {
    ctx.set('x-content-type-options', 'nosniff');
    ctx.set('referrer-policy', 'no-referrer');
    if (hsts || ctx.protocol === 'https')
      ctx.set('strict-transport-security', 'max-age=15552000; includeSubDomains');
    await next();
  };
}
