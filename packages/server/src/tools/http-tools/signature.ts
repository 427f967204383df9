import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * How Parley signs the POSTs it sends to a tenant's HTTP tool, Stripe-style:
 * `X-Parley-Timestamp: <unix seconds>` and
 * `X-Parley-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`.
 * The receiver recomputes the HMAC over the raw body and rejects old
 * timestamps, which stops replays.
 */
export const TIMESTAMP_HEADER = 'x-parley-timestamp';
export const SIGNATURE_HEADER = 'x-parley-signature';

export function generateToolSecret(): string {
  return `pts_${randomBytes(32).toString('base64url')}`;
}

export function sign(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** For receivers (and tests): true when the signature is valid and recent. */
export function verifySignature(
  secret: string,
  timestampHeader: string | undefined,
  signatureHeader: string | undefined,
  body: string,
  toleranceSeconds = 300,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  const ts = Number(timestampHeader);
  if (!Number.isInteger(ts) || Math.abs(nowSeconds - ts) > toleranceSeconds) return false;
  const expected = Buffer.from(sign(secret, ts, body));
  const given = Buffer.from(signatureHeader ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
