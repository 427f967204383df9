/**
 * Stable error codes shared by the server and every client. The server maps
 * each code to one HTTP status; clients switch on the code, never the message.
 */
export const ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  quota_exceeded: 429,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  conversation_busy: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  /** A WebSocket endpoint was called without the upgrade handshake. */
  upgrade_required: 426,
  rate_limited: 429,
  /** The client cancelled the response; only seen in `response.failed` events. */
  cancelled: 499,
  internal_error: 500,
  provider_error: 502,
  provider_unavailable: 503,
  service_unavailable: 503,
} as const;

/** A stable error code; each maps to one HTTP status (`ERROR_STATUS`). */
export type ErrorCode = keyof typeof ERROR_STATUS;

/** The `error` of every error envelope `{ error: { code, message, details? } }`. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
  requestId?: string;
}

/** The one error envelope every endpoint returns. */
export interface ErrorEnvelope {
  error: ErrorBody;
}

/** True when `value` is one of the error codes this SDK knows. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_STATUS, value);
}
