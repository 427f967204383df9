import type { ErrorBody } from '@parley/sdk/protocol';
import type { Middleware } from 'koa';
import { ApiError } from './errors.js';

/**
 * Converts anything thrown below into the error envelope. 4xx messages reach
 * the client; 5xx are logged once here with the request id and hidden.
 */
export function errorMiddleware(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new ApiError('not_found', `No route for ${ctx.method} ${ctx.path}`);
      }
    } catch (err) {
      const apiError = toApiError(err);
      const body: ErrorBody = {
        code: apiError.code,
        message: apiError.expose ? apiError.message : 'Internal server error',
        requestId: ctx.state.requestId as string,
      };
      if (apiError.expose && apiError.details !== undefined) body.details = apiError.details;
      if (!apiError.expose) ctx.state.log.error({ err }, 'request failed');
      if (ctx.headerSent) return; // streaming responses report failures in-band
      ctx.status = apiError.status;
      ctx.set(apiError.headers ?? {});
      ctx.body = { error: body };
    }
  };
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as { status?: number; expose?: boolean; message?: string; type?: string };
  // koa / raw-body errors: oversize and malformed bodies carry a 4xx status.
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    if (e.status === 413 || e.type === 'entity.too.large') {
      return new ApiError('invalid_request', 'Request body is too large', {
        reason: 'body_too_large',
      });
    }
    if (e.status === 401) return new ApiError('unauthorized', e.message ?? 'Unauthorized');
    if (e.status === 405)
      return new ApiError('method_not_allowed', e.message ?? 'Method not allowed');
    return new ApiError('invalid_request', e.expose && e.message ? e.message : 'Bad request');
  }
  return new ApiError('internal_error', 'Internal server error');
}
