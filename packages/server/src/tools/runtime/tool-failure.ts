import type { ToolFailureReason } from '@parley/sdk/protocol';
import { SsrfBlockedError } from '../net/address-policy.js';
import { UpstreamHttpError } from '../net/upstream-error.js';

/** What the model and the visitor learn about a failed call; the raw error goes to the log. */
export interface ToolFailure {
  reason: ToolFailureReason;
  message: string;
}

/** Socket and resolver codes that mean "the service could not be reached". */
const UNREACHABLE = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** OpenSSL / node:tls certificate and handshake failures. */
const TLS = /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_)|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|DEPTH_ZERO/;

/** The error and its causes, outermost first (fetch wraps socket errors in `cause`). */
function* causes(err: unknown): Generator<Error & { code?: unknown }> {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e instanceof Error; depth++) {
    yield e;
    e = e.cause;
  }
}

/**
 * Turns what a tool hit on the network into a short sentence without hosts,
 * addresses, ports or vendor bodies (`getaddrinfo ENOTFOUND geocoding-api…`,
 * `connect EHOSTUNREACH ::7f00:1:443`, TLS errors, HTTP 5xx). Null when the
 * error is the tool's own message to the model (e.g. "No place called X").
 */
export function describeToolFailure(err: unknown, service: string): ToolFailure | null {
  for (const e of causes(err)) {
    if (e instanceof SsrfBlockedError || e.message.startsWith('Blocked: ')) {
      return {
        reason: 'blocked',
        message: `${service} is on a private or internal network address, which tools may not reach.`,
      };
    }
    if (e instanceof UpstreamHttpError) {
      return {
        reason: 'upstream_error',
        message: `${service} answered with an error (HTTP ${e.status}); try again later.`,
      };
    }
    const code = typeof e.code === 'string' ? e.code : '';
    if (UNREACHABLE.has(code) || TLS.test(code)) {
      return { reason: 'unreachable', message: `${service} could not be reached.` };
    }
    if (e.name === 'TimeoutError') {
      return { reason: 'timeout', message: `${service} did not answer in time.` };
    }
  }
  return null;
}

/** "The weather service", from a tool's `service` label or its name. */
export function serviceLabel(tool: { name: string; service?: string }): string {
  const label = tool.service ?? `the service behind the ${tool.name} tool`;
  return label.charAt(0).toUpperCase() + label.slice(1);
}
