import { DomainError } from './domain-error.js';

/** Connection-level failures of PostgreSQL, Redis or the pool in front of them. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // PostgreSQL: shutting down, starting up, too many connections, connection failures.
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08000',
  '08001',
  '08003',
  '08006',
]);
const MESSAGES = [
  /Timeout acquiring a connection/i, // knex pool (PostgreSQL down)
  /Connection terminated/i, // pg
  /Connection is closed/i, // ioredis
  /enableOfflineQueue options is false/i, // ioredis while reconnecting
  /Command timed out/i, // ioredis commandTimeout
  /Reached the max retries per request limit/i, // ioredis
];

/** True when `err` means a backing service is down, not that the request or the code is wrong. */
export function isDependencyDown(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const x = e as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown };
    if (typeof x.code === 'string' && NETWORK_CODES.has(x.code)) return true;
    if (x.name === 'KnexTimeoutError' || x.name === 'MaxRetriesPerRequestError') return true;
    if (typeof x.message === 'string' && MESSAGES.some((m) => m.test(x.message as string)))
      return true;
    e = x.cause;
  }
  return false;
}

/** What a client is told when a dependency is down: retry soon, nothing was done. */
export function serviceUnavailable(retryAfterSeconds = 5): DomainError {
  return new DomainError(
    'service_unavailable',
    'A service Parley depends on is unavailable right now; please try again shortly',
    { retryAfter: retryAfterSeconds },
    { 'Retry-After': String(retryAfterSeconds) },
  );
}
