import type { IncomingMessage } from 'node:http';
import { WS_TOKEN_PROTOCOL_PREFIX } from '@parley/sdk/protocol';
import jwt from 'jsonwebtoken';
import type { AppServices } from '../app-services.js';
import { authenticateAccessToken, bearer } from '../auth/middleware.js';
import type { UserAuth } from '../http/koa-state.js';

export interface WsIdentity extends UserAuth {
  /** When the access token stops being valid; the connection must re-authenticate by then. */
  expiresAtMs: number;
}

/**
 * The token offered with the upgrade: the `parley.token.<jwt>` subprotocol
 * (browsers cannot set headers) or an Authorization header. Never the URL,
 * which proxies and access logs keep.
 */
export function upgradeToken(req: IncomingMessage): string | null {
  const offered = req.headers['sec-websocket-protocol'];
  if (offered) {
    for (const p of offered.split(',')) {
      const v = p.trim();
      if (v.startsWith(WS_TOKEN_PROTOCOL_PREFIX)) return v.slice(WS_TOKEN_PROTOCOL_PREFIX.length);
    }
  }
  return bearer(req.headers.authorization);
}

/**
 * The same check as REST (signature, claims, revoked sessions; no database),
 * keeping the token's expiry so the connection knows when to ask for a new one.
 */
export async function verifyWsToken(services: AppServices, token: string): Promise<WsIdentity> {
  const user = await authenticateAccessToken(services, token);
  const exp = (jwt.decode(token) as jwt.JwtPayload | null)?.exp;
  return { ...user, expiresAtMs: typeof exp === 'number' ? exp * 1000 : Infinity };
}
