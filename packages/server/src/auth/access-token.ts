import jwt from 'jsonwebtoken';
import { unauthorized } from '../http/errors.js';

const ISSUER = 'parley';
const AUDIENCE = 'parley-api';
const ALGORITHM = 'HS256' as const;

export interface AccessClaims {
  tenantId: string;
  userId: string;
  /** Refresh-token family: lets "log out" revoke access tokens early. */
  sessionFamilyId: string;
}

export function signAccessToken(claims: AccessClaims, secret: string, ttlSeconds: number): string {
  return jwt.sign({ tid: claims.tenantId, sfid: claims.sessionFamilyId, typ: 'access' }, secret, {
    algorithm: ALGORITHM,
    subject: claims.userId,
    issuer: ISSUER,
    audience: AUDIENCE,
    expiresIn: ttlSeconds,
  });
}

/**
 * Verifies locally (no database): pinned algorithm, issuer, audience, expiry.
 * Any failure is the same 401 so callers learn nothing about why.
 */
export function verifyAccessToken(token: string, secret: string): AccessClaims {
  try {
    const payload = jwt.verify(token, secret, {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: AUDIENCE,
    }) as jwt.JwtPayload;
    if (
      payload.typ !== 'access' ||
      typeof payload.sub !== 'string' ||
      typeof payload.tid !== 'string'
    ) {
      throw unauthorized('Invalid access token');
    }
    return { tenantId: payload.tid, userId: payload.sub, sessionFamilyId: String(payload.sfid) };
  } catch (err) {
    if (err instanceof jwt.TokenExpiredError) throw unauthorized('Access token expired');
    throw unauthorized('Invalid access token');
  }
}
