import jwt from 'jsonwebtoken';
import { unauthorized } from '../errors/domain-error.js';
import { JwtKeyring } from './jwt-keyring.js';

const ISSUER = 'parley';
const AUDIENCE = 'parley-api';
const ALGORITHM = 'HS256' as const;
/** Clock skew tolerated between instances, in seconds. */
const CLOCK_TOLERANCE = 5;

export interface AccessClaims {
  tenantId: string;
  userId: string;
  /** Refresh-token family: lets "log out" revoke access tokens early. */
  sessionFamilyId: string;
}

const keyrings = new Map<string, JwtKeyring>();
/** Callers that still pass a bare secret get a one-key ring (cached, so no per-call hashing). */
function ring(keys: string | JwtKeyring): JwtKeyring {
  if (typeof keys !== 'string') return keys;
  let r = keyrings.get(keys);
  if (!r) keyrings.set(keys, (r = new JwtKeyring(keys)));
  return r;
}

/** `nowMs`: the server's clock (tests move it), so issue and expiry agree with verification. */
export function signAccessToken(
  claims: AccessClaims,
  keys: string | JwtKeyring,
  ttlSeconds: number,
  nowMs: number,
): string {
  const { current } = ring(keys);
  const iat = Math.floor(nowMs / 1000);
  return jwt.sign(
    { tid: claims.tenantId, sfid: claims.sessionFamilyId, typ: 'access', iat },
    current.key,
    {
      algorithm: ALGORITHM,
      keyid: current.kid,
      subject: claims.userId,
      issuer: ISSUER,
      audience: AUDIENCE,
      expiresIn: ttlSeconds,
      notBefore: 0,
    },
  );
}

function headerKid(token: string): string | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0) throw unauthorized('Invalid access token');
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8'));
  } catch {
    throw unauthorized('Invalid access token');
  }
  const h = header as { alg?: unknown; kid?: unknown } | null;
  // Pinned algorithm: `none` and algorithm swaps are refused before any key is chosen.
  if (!h || h.alg !== ALGORITHM) throw unauthorized('Invalid access token');
  if (h.kid !== undefined && typeof h.kid !== 'string') throw unauthorized('Invalid access token');
  return h.kid as string | undefined;
}

/**
 * Verifies locally (no database): pinned algorithm, key id, issuer, audience,
 * expiry, not-before. Any failure is the same 401 so callers learn nothing
 * about why, except that an expired token says so (clients then refresh).
 */
export function verifyAccessToken(
  token: string,
  keys: string | JwtKeyring,
  nowMs: number,
): AccessClaims {
  const signing = ring(keys).keyFor(headerKid(token));
  if (!signing) throw unauthorized('Invalid access token');
  try {
    const payload = jwt.verify(token, signing.key, {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: AUDIENCE,
      clockTolerance: CLOCK_TOLERANCE,
      clockTimestamp: Math.floor(nowMs / 1000),
    }) as jwt.JwtPayload;
    if (
      payload.typ !== 'access' ||
      typeof payload.exp !== 'number' ||
      typeof payload.sub !== 'string' ||
      typeof payload.tid !== 'string' ||
      typeof payload.sfid !== 'string'
    ) {
      throw unauthorized('Invalid access token');
    }
    return { tenantId: payload.tid, userId: payload.sub, sessionFamilyId: payload.sfid };
  } catch (err) {
    if (err instanceof jwt.TokenExpiredError) throw unauthorized('Access token expired');
    throw unauthorized('Invalid access token');
  }
}
