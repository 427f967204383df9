import jwt from 'jsonwebtoken';
import { keyIdOf } from '../../src/auth/jwt-keyring.js';
import { JWT_SECRET } from './test-app.js';

/** Access-token forgeries an attacker could try, built from a real token of the victim. */

const b64 = (v: object): string => Buffer.from(JSON.stringify(v)).toString('base64url');

function claims(token: string): jwt.JwtPayload {
  return jwt.decode(token) as jwt.JwtPayload;
}

/** Correctly signed, but expired a minute ago. */
export function expiredToken(token: string, secret = JWT_SECRET): string {
  const c = claims(token);
  const now = Math.floor(Date.now() / 1000);
  return jwt.sign({ ...c, iat: now - 1000, nbf: now - 1000, exp: now - 60 }, secret, {
    algorithm: 'HS256',
    keyid: keyIdOf(secret),
  });
}

/** The payload changed (another user id), the original signature kept. */
export function tamperedToken(token: string, newSub: string): string {
  const [h, , s] = token.split('.');
  return `${h}.${b64({ ...claims(token), sub: newSub })}.${s}`;
}

/** `alg: none`, no signature. */
export function algNoneToken(token: string): string {
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims(token))}.`;
}

/** Signed with a secret the server never had, under the server's current key id. */
export function resignedToken(token: string): string {
  return jwt.sign(claims(token), 'an-attacker-secret-that-is-long-enough-0123456789', {
    algorithm: 'HS256',
    keyid: keyIdOf(JWT_SECRET),
  });
}

/** HS512 with the real secret: an algorithm swap the server must refuse. */
export function algSwapToken(token: string, secret = JWT_SECRET): string {
  return jwt.sign(claims(token), secret, { algorithm: 'HS512', keyid: keyIdOf(secret) });
}
