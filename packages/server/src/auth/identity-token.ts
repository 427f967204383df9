import jwt from 'jsonwebtoken';
import { unauthorized } from '../errors/domain-error.js';
import { check } from '../http/validate.js';
import type { KeyValueStore } from '../infra/kv.js';
import type { IdentitySecrets } from './identity-secrets.js';

/** Identity tokens are minted per page load by the tenant's backend: keep them short. */
export const IDENTITY_TOKEN_MAX_TTL_SECONDS = 15 * 60;
const CLOCK_TOLERANCE = 5;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface IdentityClaims {
  /** The tenant's own user id. */
  sub: string;
  name?: string;
  email?: string;
  traits?: Record<string, unknown>;
}

const claimsSchema = {
  type: 'object',
  required: ['sub', 'exp', 'jti'],
  properties: {
    sub: { type: 'string', minLength: 1, maxLength: 200 },
    /** Unique per token (a UUID): each token signs in once (replay protection). */
    jti: { type: 'string', minLength: 8, maxLength: 200 },
    name: { type: 'string', maxLength: 200 },
    email: { type: 'string', format: 'email', maxLength: 320 },
    traits: { type: 'object', maxProperties: 50 },
    exp: { type: 'number' },
  },
};

function header(token: string): { alg?: unknown; kid?: unknown } {
  try {
    const h = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8'));
    return typeof h === 'object' && h ? h : {};
  } catch {
    return {};
  }
}

/**
 * Verifies a tenant-signed identity token: HS256 only (no `none`, no other
 * algorithm), `kid` naming one of the tenant's live identity secrets, a
 * short `exp`, well-formed claims and a `jti` not seen before. Every forgery
 * is the same 401; an expired, too-long-lived or replayed token says so.
 */
export async function verifyIdentityToken(
  token: string,
  secrets: IdentitySecrets,
  usedJtis: Pick<KeyValueStore, 'setIfAbsent'>,
  /** Epoch ms from the server's clock: expiry and the lifetime cap are judged by it. */
  nowMs: number,
): Promise<{ tenantId: string; claims: IdentityClaims }> {
  const bad = () => unauthorized('Invalid identity token');
  const h = header(token);
  if (h.alg !== 'HS256' || typeof h.kid !== 'string' || !UUID.test(h.kid)) throw bad();
  const key = await secrets.lookup(h.kid);
  if (!key) throw bad();
  let payload: jwt.JwtPayload;
  try {
    payload = jwt.verify(token, key.key, {
      algorithms: ['HS256'],
      clockTolerance: CLOCK_TOLERANCE,
      clockTimestamp: Math.floor(nowMs / 1000),
    }) as jwt.JwtPayload;
  } catch (err) {
    if (err instanceof jwt.TokenExpiredError) throw unauthorized('Identity token expired');
    throw bad();
  }
  if (check(claimsSchema, payload).length > 0) throw bad();
  const nowS = nowMs / 1000;
  if (payload.exp! - nowS > IDENTITY_TOKEN_MAX_TTL_SECONDS + CLOCK_TOLERANCE) {
    throw unauthorized(
      `Identity token lives too long: exp must be at most ${IDENTITY_TOKEN_MAX_TTL_SECONDS} s ahead`,
    );
  }
  // Remembered until the token could no longer verify anyway (Redis in production,
  // so a token used on one instance is refused on every other).
  const ttlMs = Math.max(1000, (payload.exp! + CLOCK_TOLERANCE) * 1000 - nowMs);
  if (!(await usedJtis.setIfAbsent(`identity-jti:${key.tenantId}:${payload.jti}`, '1', ttlMs))) {
    throw unauthorized(
      'Identity token was already used: sign a new one, with a fresh jti, for every sign-in',
    );
  }
  const { sub, name, email, traits } = payload as IdentityClaims & jwt.JwtPayload;
  return { tenantId: key.tenantId, claims: { sub, name, email, traits } };
}
