import type { Middleware } from 'koa';
import { DomainError, invalid } from '../errors/domain-error.js';

/**
 * Reads a JSON body with a hard size limit. Rejects non-JSON content types
 * and malformed JSON with 400 before any handler runs, so nothing is stored.
 */
export function jsonBody(limitBytes: number): Middleware {
  return async (ctx, next) => {
    if (!['POST', 'PUT', 'PATCH'].includes(ctx.method)) return next();
    const length = Number(ctx.get('content-length') || 0);
    if (length > limitBytes) throw tooLarge(limitBytes);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limitBytes) throw tooLarge(limitBytes);
      chunks.push(chunk);
    }
    if (size === 0) {
      ctx.request.body = {};
      return next();
    }
    if (!ctx.is('application/json')) {
      throw new DomainError('invalid_request', 'Content-Type must be application/json', {
        reason: 'unsupported_media_type',
      });
    }
    try {
      ctx.request.body = JSON.parse(Buffer.concat(chunks, size).toString('utf8'));
    } catch (err) {
      throw invalid('Request body is not valid JSON', {
        reason: 'malformed_json',
        parser: (err as Error).message,
      });
    }
    return next();
  };
}

function tooLarge(limit: number): DomainError {
  return invalid(`Request body is larger than ${limit} bytes`, {
    reason: 'body_too_large',
    limitBytes: limit,
  });
}
