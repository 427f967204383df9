import type { ErrorEnvelope } from '@parley/sdk/protocol';
import { ApiRequestError, ConnectionError } from './errors.js';

const TIMEOUT_MS = 30_000;

export interface JsonRequest {
  method: string;
  path: string;
  token: string;
  body?: unknown;
}

/** One JSON request to a Parley server, with its failures turned into CLI errors. */
export async function requestJson<T>(
  fetchFn: typeof fetch,
  baseUrl: string,
  req: JsonRequest,
): Promise<T> {
  let res: Response;
  try {
    res = await fetchFn(baseUrl + req.path, {
      method: req.method,
      headers: {
        authorization: `Bearer ${req.token}`,
        accept: 'application/json',
        ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw connectionError(baseUrl, err);
  }
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: handled below as "not a Parley server".
  }
  if (res.ok && json !== undefined) return json as T;
  if (res.ok && res.status === 204) return undefined as T;
  throw apiError(res.status, json, baseUrl);
}

export function connectionError(baseUrl: string, err: unknown): ConnectionError {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const reason =
    e?.name === 'TimeoutError'
      ? `no answer within ${TIMEOUT_MS / 1000} s`
      : (e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err));
  return new ConnectionError(
    `cannot reach Parley at ${baseUrl} (${reason}); is the server running? (parley serve)`,
  );
}

function apiError(status: number, json: unknown, baseUrl: string): ApiRequestError {
  const error = (json as Partial<ErrorEnvelope> | undefined)?.error;
  if (!error || typeof error.message !== 'string') {
    return new ApiRequestError(
      `unexpected HTTP ${status} from ${baseUrl}; is that a Parley server?`,
      status,
      'unexpected_response',
    );
  }
  let message = error.message + formatDetails(error.details);
  message +=
    status >= 500 && error.requestId
      ? ` (${error.code}, request ${error.requestId})`
      : ` (${error.code})`;
  return new ApiRequestError(message, status, error.code, error.requestId);
}

/** Validation details are `[{ path, message }]`; show them inline, on the one line. */
function formatDetails(details: unknown): string {
  if (!Array.isArray(details) || details.length === 0) return '';
  const parts = details
    .map((d: { path?: unknown; message?: unknown }) =>
      typeof d?.message === 'string'
        ? `${typeof d.path === 'string' ? d.path + ' ' : ''}${d.message}`
        : null,
    )
    .filter((p): p is string => p !== null);
  return parts.length ? `: ${parts.join('; ')}` : '';
}
