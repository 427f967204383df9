import { isParleyError } from '@parley/sdk';

/** Used when a 429 does not say how long to wait. */
const DEFAULT_WAIT_S = 5;

/**
 * Seconds to wait before retrying, for a rate limit or exhausted quota (a
 * thrown RateLimitError or a `response.failed` error body); null otherwise.
 */
export function rateLimitWait(err: unknown): number | null {
  const e = err as {
    status?: number;
    code?: string;
    retryAfter?: number;
    details?: { retryAfter?: unknown };
  } | null;
  if (!e || typeof e !== 'object') return null;
  const limited =
    e.code === 'rate_limited' ||
    e.code === 'quota_exceeded' ||
    (isParleyError(err) && err.status === 429);
  if (!limited) return null;
  const after = e.retryAfter ?? e.details?.retryAfter;
  return typeof after === 'number' && after > 0 ? Math.ceil(after) : DEFAULT_WAIT_S;
}
