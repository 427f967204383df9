import type { ErrorBody } from '@parley/sdk/protocol';
import type { Middleware } from 'koa';
import { DomainError, isExposed } from '../errors/domain-error.js';
import { isDependencyDown, serviceUnavailable } from '../errors/unavailable.js';
import { httpStatusOf } from './errors.js';

/**
 * Converts anything thrown below into the error envelope. 4xx messages reach
 * the client; 5xx are logged once here with the request id and hidden.
 */
export function errorMiddleware(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new DomainError('not_found', `No route for ${ctx.method} ${ctx.path}`);
      }
    } catch (err) {
      const error = toDomainError(err);
      const expose = isExposed(error.code);
      const body: ErrorBody = {
        code: error.code,
        message: expose ? error.message : 'Internal server error',
        requestId: ctx.state.requestId as string,
      };
      if (expose && error.details !== undefined) body.details = error.details;
      if (error.code === 'service_unavailable') ctx.state.log.warn({ err }, 'dependency down');
      else if (!expose) ctx.state.log.error({ err }, 'request failed');
      if (ctx.headerSent) return; // streaming responses report failures in-band
      ctx.status = httpStatusOf(error.code);
      ctx.set(error.headers ?? {});
      ctx.body = { error: body };
    }
  };
}

function toDomainError(err: unknown): DomainError {
  if (err instanceof DomainError) return err;
  if (isDependencyDown(err)) return serviceUnavailable();
  const e = err as { status?: number; expose?: boolean; message?: string; type?: string };
  // koa / raw-body errors: oversize and malformed bodies carry a 4xx status.
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    if (e.status === 413 || e.type === 'entity.too.large') {
      return new DomainError('payload_too_large', 'Request body is too large', {
        reason: 'body_too_large',
      });
    }
    if (e.status === 401) return new DomainError('unauthorized', e.message ?? 'Unauthorized');
    if (e.status === 405)
      return new DomainError('method_not_allowed', e.message ?? 'Method not allowed');
    return new DomainError('invalid_request', e.expose && e.message ? e.message : 'Bad request');
  }
  return new DomainError('internal_error', 'Internal server error');
}
