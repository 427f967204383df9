import { ERROR_STATUS } from '@parley/sdk/protocol';
import type { ErrorCode } from '@parley/sdk/protocol';

/**
 * The one error the server's own code throws, transport-neutral: a stable
 * code from the wire protocol, a message safe for clients (for 4xx codes),
 * optional details. Only the adapters (http/, ws/) know what status or close
 * code a code becomes.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Extra response metadata, e.g. `Retry-After` for limits. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what = 'Resource'): DomainError =>
  new DomainError('not_found', `${what} not found`);
export const invalid = (message: string, details?: unknown): DomainError =>
  new DomainError('invalid_request', message, details);
export const unauthorized = (message = 'Missing or invalid credentials'): DomainError =>
  new DomainError('unauthorized', message);
export const forbidden = (message: string): DomainError => new DomainError('forbidden', message);

/** Caused by the caller (a 4xx code): its message is written for clients. Else logged, hidden. */
export function isClientFault(code: ErrorCode): boolean {
  return ERROR_STATUS[code] < 500;
}

/**
 * Whether the client may read the error's own message and details: its own
 * faults, and "unavailable" (our words and a Retry-After, never internals).
 */
export function isExposed(code: ErrorCode): boolean {
  return isClientFault(code) || code === 'service_unavailable';
}
