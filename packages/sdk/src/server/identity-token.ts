import { createHmac, randomUUID } from 'node:crypto';

/** A tenant's identity secret, as `POST /v1/admin/tenants/:id/identity-secret` shows it once. */
export interface IdentitySecret {
  /** The secret's id: sent as the token's `kid`, so rotation can keep two alive. */
  id: string;
  /** The secret itself (`ids_…`). Keep it on your server. */
  secret: string;
}

/** The user your backend vouches for. */
export interface IdentityUser {
  /** Your own id for the user (the token's `sub`). */
  id: string;
  /** Shown to the agent and in the admin tools. */
  name?: string;
  /** The user's email address. */
  email?: string;
  /** Up to 50 attributes the agent may use (plan, locale, …). */
  traits?: Record<string, unknown>;
}

/** Options of {@link signIdentityToken}. */
export interface SignIdentityOptions {
  /** Seconds until it expires; the server refuses more than 900. Default 300. */
  expiresIn?: number;
  /** Seconds since the epoch; default now (tests pass a fixed time). */
  now?: number;
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Signs an identity token for `client.identify()` on your page: an HS256
 * JWT with the secret's id as `kid`, the user's claims, a short `exp` and a
 * random `jti` (a token is meant to be used once). Node's crypto only.
 *
 * @example
 * const token = signIdentityToken(secret, { id: user.id, email: user.email }, { expiresIn: 120 });
 */
export function signIdentityToken(
  secret: IdentitySecret,
  user: IdentityUser,
  options: SignIdentityOptions = {},
): string {
  const expiresIn = options.expiresIn ?? 300;
  if (!Number.isInteger(expiresIn) || expiresIn <= 0 || expiresIn > 900) {
    throw new RangeError('expiresIn must be a whole number of seconds from 1 to 900');
  }
  if (!user.id) throw new TypeError('user.id is required');
  const iat = Math.floor(options.now ?? Date.now() / 1000);
  const claims = {
    sub: user.id,
    ...(user.name !== undefined && { name: user.name }),
    ...(user.email !== undefined && { email: user.email }),
    ...(user.traits !== undefined && { traits: user.traits }),
    iat,
    exp: iat + expiresIn,
    jti: randomUUID(),
  };
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT', kid: secret.id })}.${b64(claims)}`;
  const signature = createHmac('sha256', secret.secret).update(unsigned).digest('base64url');
  return `${unsigned}.${signature}`;
}
