import dns from 'node:dns';
import type { LookupAddress } from 'node:dns';
import http from 'node:http';
import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import { SsrfBlockedError, isBlockedAddress } from './address-policy.js';

export interface SafeRequestInit {
  method?: string;
  headers?: ConstructorParameters<typeof Headers>[0];
  body?: string | Uint8Array | null;
  signal?: AbortSignal | null;
  /** `follow` (default) re-checks every hop; `error` refuses redirects. */
  redirect?: 'follow' | 'error' | 'manual';
}

/** A `fetch` for URLs that tenants or models influence. Same shape as WHATWG fetch. */
export type SafeFetch = (input: string | URL, init?: SafeRequestInit) => Promise<Response>;

export interface SafeFetchOptions {
  /** Test-only: addresses allowed although private (see ToolsConfig.unsafeAllowedAddresses). */
  allowedAddresses?: readonly string[];
  maxRedirects?: number;
  /** The resolver (tests replace DNS, the outside world); `dns.lookup` otherwise. */
  resolve?: Resolve;
}

/** Every address a hostname resolves to, as `dns.lookup(…, { all: true })` gives them. */
export type Resolve = (hostname: string, family: number | undefined) => Promise<LookupAddress[]>;

const systemResolve: Resolve = (hostname, family) =>
  dns.promises.lookup(hostname, { all: true, ...(family ? { family } : {}) });

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * SSRF-safe fetch. The hostname is resolved by our own lookup, every address
 * is checked, and the socket connects to exactly the address that passed the
 * check (no second resolution a DNS rebinding could change). IP literals are
 * checked before connecting; redirects are followed by hand and each hop is
 * checked again.
 */
export function createSafeFetch(opts: SafeFetchOptions = {}): SafeFetch {
  const allowed = new Set(opts.allowedAddresses ?? []);
  const maxRedirects = opts.maxRedirects ?? 3;
  const permitted = (address: string): boolean =>
    !isBlockedAddress(address) || allowed.has(address);

  const resolve = opts.resolve ?? systemResolve;

  // Resolution and check in one place: the socket connects to an address this
  // returned, so a DNS answer that changes later (rebinding) is never used.
  const lookup: LookupFunction = (hostname, options, callback) => {
    const family = typeof options.family === 'number' ? options.family : undefined;
    resolve(hostname, family).then(
      (addresses) => {
        const bad = addresses.find((a) => !permitted(a.address));
        if (bad || addresses.length === 0) {
          return callback(new SsrfBlockedError(hostname, bad?.address ?? null), '', 0);
        }
        if (options.all) return (callback as unknown as AllCallback)(null, addresses);
        return callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
  const agents = {
    'http:': new http.Agent({ keepAlive: true, lookup } as http.AgentOptions),
    'https:': new https.Agent({ keepAlive: true, lookup } as https.AgentOptions),
  };

  return async (input, init = {}) => {
    let url = new URL(String(input));
    let method = (init.method ?? 'GET').toUpperCase();
    let body = init.body ?? undefined;
    const headers = new Headers(init.headers);
    for (let hop = 0; ; hop++) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new Error(`Blocked: only http and https URLs may be fetched (got ${url.protocol})`);
      }
      const host = url.hostname.replace(/^\[|\]$/g, '');
      // IP literals never reach the lookup function, so they are checked here.
      if (isIP(host) && !permitted(host)) throw new SsrfBlockedError(host, host);
      const res = await send(url, method, headers, body, init.signal ?? undefined, agents, lookup);
      const location = res.headers.location;
      if (!REDIRECTS.has(res.statusCode ?? 0) || !location || init.redirect === 'manual') {
        return toResponse(res, method);
      }
      res.resume();
      if (init.redirect === 'error') throw new Error(`Refused redirect to ${location}`);
      if (hop >= maxRedirects) throw new Error(`Too many redirects (more than ${maxRedirects})`);
      const next = new URL(location, url);
      if (next.origin !== url.origin) {
        // Credentials and signatures belong to the origin they were made for.
        for (const name of [...headers.keys()]) {
          if (name === 'authorization' || name === 'cookie' || name.startsWith('x-parley-')) {
            headers.delete(name);
          }
        }
      }
      if (
        res.statusCode === 303 ||
        (res.statusCode !== 307 && res.statusCode !== 308 && method === 'POST')
      ) {
        method = 'GET';
        body = undefined;
        headers.delete('content-type');
      }
      url = next;
    }
  };
}

type AllCallback = (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void;

function send(
  url: URL,
  method: string,
  headers: Headers,
  body: string | Uint8Array | undefined,
  signal: AbortSignal | undefined,
  agents: Record<'http:' | 'https:', http.Agent>,
  lookup: LookupFunction,
): Promise<IncomingMessage> {
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      {
        method,
        headers: Object.fromEntries(headers),
        agent: agents[url.protocol as 'http:' | 'https:'],
        lookup,
        signal,
      },
      resolve,
    );
    req.on('error', reject);
    req.end(body);
  });
}

function toResponse(res: IncomingMessage, method: string): Response {
  const status = res.statusCode ?? 500;
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const empty = method === 'HEAD' || status === 204 || status === 205 || status === 304;
  if (empty) res.resume();
  return new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), {
    status,
    statusText: res.statusMessage ?? '',
    headers,
  });
}

/** Reads a response body as text, refusing more than `maxBytes`. */
export async function readTextCapped(res: Response, maxBytes: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new Error(`Response is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
