import { ERROR_STATUS } from '@parley/sdk/protocol';
import type { ErrorCode } from '@parley/sdk/protocol';

/**
 * The one error type handlers throw. The error middleware turns it into the
 * `{ error: { code, message, details?, requestId } }` envelope.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly expose: boolean;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = ERROR_STATUS[code];
    this.expose = this.status < 500;
  }
}

export const notFound = (what = 'Resource'): ApiError =>
  new ApiError('not_found', `${what} not found`);
export const invalid = (message: string, details?: unknown): ApiError =>
  new ApiError('invalid_request', message, details);
export const unauthorized = (message = 'Missing or invalid credentials'): ApiError =>
  new ApiError('unauthorized', message);
export const forbidden = (message: string): ApiError => new ApiError('forbidden', message);
