import { ApiRequestError, ConnectionError } from '../errors.js';

interface SdkErrorLike {
  __parleyError?: boolean;
  name?: string;
  message?: string;
  status?: number;
  code?: string;
  requestId?: string;
}

/** The user stopped the answer (Ctrl+C, abort): not a failure. */
export function isUserAbort(err: unknown): boolean {
  return (err as SdkErrorLike | null)?.name === 'APIUserAbortError';
}

/** SDK errors (recognised by their brand, not instanceof) as CLI errors with exit codes. */
export function fromSdkError(err: unknown, baseUrl: string): Error {
  const e = err as SdkErrorLike | null;
  if (e?.__parleyError !== true) return err instanceof Error ? err : new Error(String(err));
  if (e.name === 'APIConnectionError' || e.name === 'APIConnectionTimeoutError') {
    return new ConnectionError(
      `cannot reach Parley at ${baseUrl} (${e.message}); is the server running?`,
    );
  }
  const code = e.code ?? 'error';
  const where = e.status && e.status >= 500 && e.requestId ? `, request ${e.requestId}` : '';
  return new ApiRequestError(`${e.message} (${code}${where})`, e.status ?? 0, code, e.requestId);
}
