import type { Clock } from '../clock.js';
import type { ErrorEnvelope } from '../protocol/error-codes.js';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  errorFor,
} from '../errors.js';
import {
  backoffMs,
  isRetryableStatus,
  MAX_RETRY_AFTER_S,
  parseRetryAfter,
  sleep,
} from './retry.js';

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
  /** Default: the session's access token. `false`: none. A string: that bearer (an API key). */
  auth?: boolean | string;
  headers?: Record<string, string>;
}

/** What the HTTP layer needs from the session: a token, and to hear that one was refused. */
export interface TokenSource {
  token(): Promise<string>;
  invalidate(token: string): void;
  /** The server revoked `token`'s session (logout elsewhere, admin): forget it, never retry. */
  revoked(token: string): Promise<void>;
}

/** A 401 about a revoked session (`Session was revoked`), as opposed to an expired token. */
export const isRevoked = (err: { status?: number; message: string }): boolean =>
  err.status === 401 && /revoked/i.test(err.message);

export interface HttpConfig {
  baseUrl: string;
  fetch: typeof fetch;
  timeoutMs: number;
  maxRetries: number;
  tokens: TokenSource;
  clock: Clock;
}

export interface Http {
  json<T>(method: string, path: string, opts?: RequestOptions): Promise<T>;
  /** For streamed bodies: the timeout covers the headers only, and it is never retried. */
  stream(method: string, path: string, opts?: RequestOptions): Promise<Response>;
}

const TIMEOUT = 'timeout';

/**
 * fetch with a timeout, typed errors, one refresh-and-retry on 401, and
 * bounded retries with jitter and `Retry-After` for idempotent requests only.
 */
export function createHttp(config: HttpConfig): Http {
  async function send(
    method: string,
    path: string,
    opts: RequestOptions,
    streaming: boolean,
  ): Promise<{ res: Response; text: string }> {
    const { signal, auth = true } = opts;
    const idempotent = !streaming && /^(GET|HEAD|PUT|DELETE|OPTIONS)$/.test(method);
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query ?? {}))
      if (v !== undefined) query.set(k, String(v));
    const qs = query.toString();
    const url = config.baseUrl + path + (qs ? `?${qs}` : '');
    let refreshed = false;
    for (let attempt = 0; ;) {
      const bearer = typeof auth === 'string' ? auth : auth ? await config.tokens.token() : null;
      const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
      if (bearer) headers.authorization = `Bearer ${bearer}`;
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      const ctl = new AbortController();
      const onAbort = (): void => ctl.abort(signal?.reason);
      if (signal?.aborted) onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      const { clock } = config;
      const timer = clock.setTimeout(() => ctl.abort(TIMEOUT), config.timeoutMs);
      let res: Response;
      let text = '';
      try {
        res = await config.fetch(url, {
          method,
          headers,
          body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
          signal: ctl.signal,
        });
        if (!streaming || !res.ok) text = await res.text();
      } catch (cause) {
        if (signal?.aborted) throw new APIUserAbortError('Request was aborted', { cause });
        const err =
          ctl.signal.reason === TIMEOUT
            ? new APIConnectionTimeoutError(`Request timed out after ${config.timeoutMs} ms`)
            : new APIConnectionError('Could not reach the Parley server', { cause });
        if (!idempotent || attempt >= config.maxRetries) throw err;
        await sleep(clock, backoffMs(attempt++), signal);
        continue;
      } finally {
        clock.clearTimeout(timer);
        // A stream keeps listening: the user's abort must still cut its body.
        if (!streaming) signal?.removeEventListener('abort', onAbort);
      }
      if (res.ok) return { res, text };
      let body: ErrorEnvelope | undefined;
      try {
        body = JSON.parse(text) as ErrorEnvelope;
      } catch {
        /* not our envelope: a proxy's HTML page, say */
      }
      const retryAfter = parseRetryAfter(res.headers.get('retry-after'), clock.now());
      const err = errorFor(
        res.status,
        body?.error,
        res.headers.get('x-request-id') ?? undefined,
        retryAfter,
      );
      if (bearer && auth === true && isRevoked(err)) {
        // Refreshing a revoked login would fail too: drop it; the next call starts over.
        await config.tokens.revoked(bearer);
        throw err;
      }
      if (res.status === 401 && bearer && auth === true && !refreshed) {
        // Once: a fresh token either works or the error is real.
        refreshed = true;
        config.tokens.invalidate(bearer);
        continue;
      }
      if (
        idempotent &&
        attempt < config.maxRetries &&
        isRetryableStatus(res.status) &&
        (retryAfter ?? 0) <= MAX_RETRY_AFTER_S
      ) {
        await sleep(
          clock,
          retryAfter === undefined ? backoffMs(attempt) : retryAfter * 1000,
          signal,
        );
        attempt++;
        continue;
      }
      throw err;
    }
  }

  return {
    async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
      const { res, text } = await send(method, path, opts, false);
      return (res.status === 204 || text === '' ? undefined : JSON.parse(text)) as T;
    },
    async stream(method, path, opts = {}) {
      return (await send(method, path, opts, true)).res;
    },
  };
}
