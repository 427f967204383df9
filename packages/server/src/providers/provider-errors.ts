import { ProviderError } from './provider.js';

/**
 * Vendor-neutral pieces of error mapping, shared by the adapters so every
 * vendor fails over on the same conditions.
 */

/** Timeouts, conflicts, rate limits and server errors (incl. Anthropic's 529) are worth another provider. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** `retry-after-ms`, then `retry-after` as seconds or an HTTP date. */
export function retryAfterMs(headers: Headers | null | undefined): number | undefined {
  if (!headers) return undefined;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** A failed HTTP exchange: retryable or not by status, with Retry-After kept. */
export function statusError(
  vendor: string,
  status: number,
  headers: Headers | null | undefined,
  detail: string,
  cause?: unknown,
): ProviderError {
  return new ProviderError(`${vendor} returned ${status}: ${detail}`, {
    retryable: isRetryableStatus(status),
    status: status,
    retryAfterMs: retryAfterMs(headers),
    cause,
  });
}

const SOCKET_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** undici reports a dropped socket as `TypeError: terminated` / `fetch failed` with a coded cause. */
export function isConnectionError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && SOCKET_CODES.has(code)) return true;
    if (e.message === 'terminated' || e.message === 'fetch failed') return true;
    e = e.cause;
  }
  return false;
}

/**
 * Anything thrown that is not a vendor API error: a broken connection is
 * retryable; everything else (unparseable JSON, unexpected shapes) means
 * the stream is malformed, which another attempt would not fix.
 */
export function thrownError(vendor: string, err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof Error && err.name === 'AbortError') {
    return new ProviderError('Request aborted', { retryable: false, cause: err });
  }
  if (isConnectionError(err)) {
    return new ProviderError(`${vendor} connection failed: ${message}`, {
      retryable: true,
      cause: err,
    });
  }
  return malformed(vendor, message, err);
}

export function malformed(vendor: string, detail: string, cause?: unknown): ProviderError {
  return new ProviderError(`Malformed ${vendor} stream: ${detail}`, { retryable: false, cause });
}

/** A stream that stopped without its end marker: the connection was cut, so retryable. */
export function endedEarly(vendor: string): ProviderError {
  return new ProviderError(`${vendor} stream ended before it finished`, { retryable: true });
}
