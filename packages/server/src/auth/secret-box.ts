import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { JwtKeyring } from './jwt-keyring.js';

const INFO = 'parley:secret-box:v1';

function keyFor(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'parley', INFO, 32));
}

/**
 * Encrypts secrets the server must read back (tenant identity-signing
 * secrets) with a key derived from the JWT signing secret, so a database
 * dump alone does not reveal them. Sealed with the current key; opens with
 * any key still on the ring, so rotating JWT_SECRET_KEY keeps them readable
 * while the old value stays in JWT_PREVIOUS_SECRET_KEYS.
 */
export function seal(keyring: JwtKeyring, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(keyring.current.secret), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const parts = [iv, body, cipher.getAuthTag()].map((b) => b.toString('base64url'));
  return ['v1', keyring.current.kid, ...parts].join('.');
}

/** Null when the sealing key is gone from the ring or the box was tampered with. */
export function open(keyring: JwtKeyring, sealed: string): string | null {
  const [version, kid, iv, body, tag] = sealed.split('.');
  if (version !== 'v1' || !kid || !iv || !body || !tag) return null;
  const secret = keyring.secretFor(kid);
  if (!secret) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(secret), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(body, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    return null;
  }
}
