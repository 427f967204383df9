import { AuthenticationError } from '../errors.js';
import type { Http } from '../http/http-client.js';
import type { SessionTokens } from '../protocol/resources.js';
import type { Storage } from './storage.js';

/** How the client gets its end-user session. */
export type AuthOptions =
  | { publishableKey: string }
  | { secretKey: string; externalUserId?: string }
  | {
      /** Your own source of access tokens (e.g. minted by your backend); called when one is needed. */
      getToken: () => Promise<string> | string;
    };

interface Held extends SessionTokens {
  /** When to renew: 80 % into the token's life, so a request never races its expiry. */
  renewAt: number;
}

export interface SessionManager {
  /** A usable session, created or refreshed once however many callers ask at the same time. */
  get(): Promise<SessionTokens>;
  token(): Promise<string>;
  /** The server refused `token`: the next `get()` renews (unless someone already did). */
  invalidate(token: string): void;
  /** The server said `token`'s session was revoked: forget it (unless it was already replaced). */
  revoked(token: string): Promise<void>;
  /** The session held now (renewed if due), or null when there is none: creates nothing. */
  current(): Promise<SessionTokens | null>;
  /** Replaces the session (identify, login): stored like a refreshed one. */
  set(tokens: SessionTokens): Promise<void>;
  clear(): Promise<void>;
}

const hold = (t: SessionTokens, issuedAt: number): Held => ({
  ...t,
  renewAt: issuedAt + t.expiresIn * 800,
});

/** Claims of a JWT we did not issue (getToken), read only for its expiry and user. */
function claims(token: string): { exp?: number; sub?: string } {
  try {
    return JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as {
      exp?: number;
    };
  } catch {
    return {};
  }
}

export function createSessionManager(
  auth: AuthOptions,
  http: Http,
  storage: Storage,
  key: string,
  now: () => number,
): SessionManager {
  let held: Held | null | undefined; // undefined: storage not read yet
  let pending: Promise<Held> | null = null;

  const load = async (): Promise<Held | null> => {
    try {
      const raw = await storage.get(key);
      return raw ? (JSON.parse(raw) as Held) : null;
    } catch {
      return null; // unreadable storage behaves like an empty one
    }
  };
  const save = async (next: Held | null): Promise<void> => {
    held = next;
    try {
      await (next ? storage.set(key, JSON.stringify(next)) : storage.remove(key));
    } catch {
      /* a full or blocked storage only costs a new session after reload */
    }
  };

  async function renew(current: Held | null): Promise<Held> {
    if ('getToken' in auth) {
      const accessToken = await auth.getToken();
      const { exp, sub } = claims(accessToken);
      const expiresIn = exp ? exp - now() / 1000 : Infinity;
      const user = { id: sub ?? '', externalId: null, anonymous: false };
      return (held = hold({ accessToken, expiresIn, refreshToken: '', user }, now()));
    }
    // Another tab may have rotated the refresh token already: use its result.
    const stored = await load();
    if (stored && stored.accessToken !== current?.accessToken && stored.renewAt > now()) {
      return (held = stored);
    }
    const refreshToken = stored?.refreshToken ?? current?.refreshToken;
    if (refreshToken) {
      try {
        const t = await http.json<SessionTokens>('POST', '/v1/sessions/refresh', {
          auth: false,
          body: { refreshToken },
        });
        await save(hold(t, now()));
        return held!;
      } catch (err) {
        // An expired or revoked login starts over; anything else (offline) is the caller's.
        if (!(err instanceof AuthenticationError)) throw err;
      }
    }
    const bearer = 'secretKey' in auth ? auth.secretKey : auth.publishableKey;
    const body =
      'externalUserId' in auth && auth.externalUserId
        ? { externalUserId: auth.externalUserId }
        : {};
    const t = await http.json<SessionTokens>('POST', '/v1/sessions', { auth: bearer, body });
    await save(hold(t, now()));
    return held!;
  }

  const manager: SessionManager = {
    async get() {
      if (pending) return pending;
      if (held === undefined) held = 'getToken' in auth ? null : await load();
      if (held && held.renewAt > now()) return held;
      pending ??= renew(held).finally(() => (pending = null));
      return pending;
    },
    async token() {
      return (await manager.get()).accessToken;
    },
    invalidate(token) {
      if (held?.accessToken === token) held.renewAt = 0;
    },
    async revoked(token) {
      if (held?.accessToken === token) await save(null);
    },
    async current() {
      if (held === undefined && !('getToken' in auth)) held = await load();
      return held || 'getToken' in auth ? manager.get() : null;
    },
    set: (t) => save(hold(t, now())),
    async clear() {
      await save(null);
    },
  };
  return manager;
}
