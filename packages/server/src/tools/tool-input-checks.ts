import { isIP } from 'node:net';
import { invalid } from '../errors/domain-error.js';
import { isBlockedAddress } from './net/address-policy.js';
import { compileSchema } from './validate-args.js';

/** What the admin API checks before it stores a tenant's HTTP tool or MCP server. */

export function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/** Refuses URLs that can never be valid tool targets; the runtime guard checks DNS too. */
export function checkToolUrl(raw: string, allowed: readonly string[]): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('url is not a valid URL', [{ path: '/url', message: 'invalid URL' }]);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalid('url must use http or https', [{ path: '/url', message: 'http(s) only' }]);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const privateHost =
    (isIP(host) && isBlockedAddress(host) && !allowed.includes(host)) ||
    /^localhost$|\.localhost$|\.internal$/i.test(host);
  if (privateHost) {
    throw invalid('url points to a private, loopback or link-local address', [
      { path: '/url', message: 'blocked address (SSRF protection)' },
    ]);
  }
}

export function checkParameters(parameters: Record<string, unknown>): void {
  if (parameters.type !== 'object') {
    throw invalid('parameters must be a JSON Schema of type "object"', [
      { path: '/parameters/type', message: 'must be "object"' },
    ]);
  }
  try {
    compileSchema(parameters, 'parameters');
  } catch (err) {
    throw invalid('parameters is not a valid JSON Schema', [
      { path: '/parameters', message: (err as Error).message },
    ]);
  }
}
