import { describe, expect, it } from 'vitest';
import { JwtKeyring } from './jwt-keyring.js';
import { open, seal } from './secret-box.js';

const OLD = 'old-jwt-secret-0123456789-0123456789-abc';
const NEW = 'new-jwt-secret-0123456789-0123456789-xyz';

describe('secret box', () => {
  it('opens what it sealed, and the sealed text does not contain the secret', () => {
    const ring = new JwtKeyring(OLD);
    const sealed = seal(ring, 'ids_the-secret');
    expect(sealed).not.toContain('the-secret');
    expect(open(ring, sealed)).toBe('ids_the-secret');
    expect(seal(ring, 'ids_the-secret')).not.toBe(sealed); // fresh IV each time
  });

  it('still opens after JWT_SECRET_KEY rotation while the old key is kept, not after', () => {
    const sealed = seal(new JwtKeyring(OLD), 'ids_x');
    expect(open(new JwtKeyring(NEW, [OLD]), sealed)).toBe('ids_x');
    expect(open(new JwtKeyring(NEW), sealed)).toBeNull();
  });

  it('refuses a tampered box', () => {
    const ring = new JwtKeyring(OLD);
    const parts = seal(ring, 'ids_x').split('.');
    parts[3] = Buffer.from('ids_y').toString('base64url');
    expect(open(ring, parts.join('.'))).toBeNull();
  });
});
