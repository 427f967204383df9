import type { ErrorBody, ErrorCode } from './protocol/error-codes.js';

/** What a ParleyError carries besides its message. */
export interface ParleyErrorInit {
  status?: number;
  code?: ErrorCode;
  requestId?: string;
  details?: unknown;
  cause?: unknown;
}

/**
 * The root of every error the SDK throws. Recognise it with `isParleyError`
 * rather than `instanceof`: a page may bundle two copies of the SDK.
 */
export class ParleyError extends Error {
  readonly __parleyError = true;
  override name = 'ParleyError';
  /** HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** Stable error code from the server; switch on this, not the message. */
  readonly code: ErrorCode | undefined;
  readonly requestId: string | undefined;
  readonly details: unknown;

  constructor(message: string, init: ParleyErrorInit = {}) {
    super(message, { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.details = init.details;
  }
}

export class BadRequestError extends ParleyError {
  override name = 'BadRequestError';
}
export class AuthenticationError extends ParleyError {
  override name = 'AuthenticationError';
}
export class PermissionDeniedError extends ParleyError {
  override name = 'PermissionDeniedError';
}
export class NotFoundError extends ParleyError {
  override name = 'NotFoundError';
}
export class ConflictError extends ParleyError {
  override name = 'ConflictError';
}
export class RateLimitError extends ParleyError {
  override name = 'RateLimitError';
  /** Seconds the server asked us to wait (`rate_limited` and `quota_exceeded`), when it said. */
  retryAfter: number | undefined;
}
export class InternalServerError extends ParleyError {
  override name = 'InternalServerError';
}
/** The server could not be reached, or the connection broke mid-stream. */
export class APIConnectionError extends ParleyError {
  override name = 'APIConnectionError';
}
export class APIConnectionTimeoutError extends APIConnectionError {
  override name = 'APIConnectionTimeoutError';
}
/** You cancelled: `abort()`, `break`, or your AbortSignal fired. */
export class APIUserAbortError extends ParleyError {
  override name = 'APIUserAbortError';
}

/** True for any Parley error, also one from another copy of the SDK (no `instanceof`). */
export function isParleyError(value: unknown): value is ParleyError {
  return (value as { __parleyError?: unknown } | null)?.__parleyError === true;
}

/** The one status → subclass map (the server's codes already map to statuses). */
export function errorFor(
  status: number | undefined,
  body: Partial<ErrorBody> | undefined,
  requestId?: string,
  retryAfter?: number,
): ParleyError {
  const Ctor =
    status === 400
      ? BadRequestError
      : status === 401
        ? AuthenticationError
        : status === 403
          ? PermissionDeniedError
          : status === 404
            ? NotFoundError
            : status === 409
              ? ConflictError
              : status === 429
                ? RateLimitError
                : status && status >= 500
                  ? InternalServerError
                  : ParleyError;
  const err = new Ctor(body?.message ?? `Request failed with status ${status}`, {
    status,
    code: body?.code,
    requestId: body?.requestId ?? requestId,
    details: body?.details,
  });
  // `Retry-After` over HTTP; `details.retryAfter` where there are no headers (WebSocket frames).
  if (err instanceof RateLimitError) {
    err.retryAfter =
      retryAfter ?? (body?.details as { retryAfter?: number } | undefined)?.retryAfter;
  }
  return err;
}
