import http from 'node:http';
import https from 'node:https';
import { readSse } from './sse-lines.js';
import { statusError, thrownError } from './provider-errors.js';

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: Infinity }),
  https: new https.Agent({ keepAlive: true, maxSockets: Infinity }),
};

export interface SsePostOptions {
  vendor: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  signal: AbortSignal;
}

/**
 * POSTs JSON and yields the `data:` payloads of the Server-Sent Events
 * answer, read straight off the Node socket: no fetch, no web streams (the
 * largest per-token cost in profiles of SDK-based servers). Non-2xx answers
 * throw a ProviderError carrying status, Retry-After and the vendor message.
 */
export async function* postForSse(opts: SsePostOptions): AsyncGenerator<string> {
  const res = await request(opts);
  if ((res.statusCode ?? 0) >= 300) {
    const text = await readAll(res);
    throw statusError(opts.vendor, res.statusCode ?? 0, headersOf(res), vendorMessage(text));
  }
  try {
    res.setEncoding('utf8'); // decoded natively; the parser works on strings
    for await (const event of readSse(res)) yield event.data;
  } catch (err) {
    throw thrownError(opts.vendor, err);
  } finally {
    if (!res.complete) res.destroy();
  }
}

function request(opts: SsePostOptions): Promise<http.IncomingMessage> {
  const url = new URL(opts.url);
  const secure = url.protocol === 'https:';
  const payload = JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    if (opts.signal.aborted) return reject(abortError(opts.signal));
    const req = (secure ? https : http).request(url, {
      method: 'POST',
      agent: secure ? agents.https : agents.http,
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        'content-length': Buffer.byteLength(payload),
        ...opts.headers,
      },
      signal: opts.signal,
    });
    req.on('response', resolve);
    req.on('error', (err) => reject(thrownError(opts.vendor, err)));
    req.end(payload);
  });
}

function abortError(signal: AbortSignal): Error {
  const err = new Error('Request aborted', { cause: signal.reason });
  err.name = 'AbortError';
  return err;
}

async function readAll(res: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

function headersOf(res: http.IncomingMessage): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(res.headers)) {
    if (typeof v === 'string') h.set(k, v);
    else if (Array.isArray(v)) h.set(k, v.join(', '));
  }
  return h;
}

/** `{"error":{"message":…}}` (OpenAI and compatible servers), else the raw text, bounded. */
function vendorMessage(text: string): string {
  try {
    const v = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const m = typeof v.error === 'string' ? v.error : (v.error?.message ?? v.message);
    if (typeof m === 'string') return m;
  } catch {
    /* not JSON */
  }
  return text.slice(0, 300) || 'no body';
}
