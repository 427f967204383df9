import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names of a Parley webhook delivery. */
export const WEBHOOK_HEADERS = {
  /** Unix seconds when the delivery was signed. */
  timestamp: 'parley-timestamp',
  /** `v1=<hex HMAC-SHA256 of "timestamp.body">`; several, comma-separated, while a secret rotates. */
  signature: 'parley-signature',
} as const;

/** Thrown by {@link verifyWebhook}; `reason` says which check failed. */
export class WebhookVerificationError extends Error {
  /** Which check failed. */
  readonly reason: 'missing_headers' | 'stale_timestamp' | 'bad_signature';
  constructor(reason: WebhookVerificationError['reason'], message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
    this.reason = reason;
  }
}

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /** How far the timestamp may be from now, in seconds (replays are refused). Default 300. */
  toleranceSeconds?: number;
  /** Seconds since the epoch; default now. */
  now?: number;
}

/** The `parley-signature` value for a body: what the server sends (and your tests can forge). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Request headers as Node (`req.headers`) or fetch (`Headers`) give them. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function')
    return (headers as Headers).get(name) ?? undefined;
  const bag = headers as Record<string, string | string[] | undefined>;
  const value = bag[name] ?? bag[Object.keys(bag).find((k) => k.toLowerCase() === name) ?? ''];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Checks a webhook delivery and returns its parsed JSON body: the
 * HMAC-SHA256 of `timestamp.body` under your secret must match one of the
 * signatures (compared in constant time) and the timestamp must be within
 * the tolerance. Pass the raw body exactly as received, before any JSON parsing.
 *
 * @throws {@link WebhookVerificationError}
 */
export function verifyWebhook<T = unknown>(
  secret: string,
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
  options: VerifyWebhookOptions = {},
): T {
  const body = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
  const stamp = header(headers, WEBHOOK_HEADERS.timestamp);
  const signatures = header(headers, WEBHOOK_HEADERS.signature);
  if (!stamp || !signatures) {
    throw new WebhookVerificationError(
      'missing_headers',
      'The webhook signature headers are missing',
    );
  }
  const timestamp = Number(stamp);
  const now = options.now ?? Date.now() / 1000;
  if (
    !Number.isInteger(timestamp) ||
    Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)
  ) {
    throw new WebhookVerificationError(
      'stale_timestamp',
      'The webhook timestamp is outside the tolerance',
    );
  }
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const matches = signatures
    .split(',')
    .map((s) => Buffer.from(s.trim()))
    .some((given) => given.length === expected.length && timingSafeEqual(given, expected));
  if (!matches)
    throw new WebhookVerificationError('bad_signature', 'The webhook signature does not match');
  return JSON.parse(body) as T;
}
