import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export type KeyType = 'secret' | 'publishable';

const KEY_PREFIX: Record<KeyType, string> = { secret: 'sk_live_', publishable: 'pk_live_' };

/** A new API key: shown to the operator once, only its hash is stored. */
export function generateApiKey(type: KeyType): { key: string; hash: string; prefix: string } {
  const key = KEY_PREFIX[type] + randomBytes(24).toString('base64url');
  return { key, hash: sha256(key), prefix: key.slice(0, KEY_PREFIX[type].length + 4) };
}

export function keyTypeOf(token: string): KeyType | null {
  if (token.startsWith('sk_')) return 'secret';
  if (token.startsWith('pk_')) return 'publishable';
  return null;
}

export function generateRefreshToken(): { token: string; hash: string } {
  const token = 'rt_' + randomBytes(32).toString('base64url');
  return { token, hash: sha256(token) };
}

/** High-entropy tokens need no slow hash: sha256 resists preimage search. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(sha256(a));
  const bb = Buffer.from(sha256(b));
  return timingSafeEqual(ab, bb);
}
