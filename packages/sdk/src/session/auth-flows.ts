import { AuthenticationError } from '../errors.js';
import type { Http } from '../http/http-client.js';
import { isRevoked } from '../http/http-client.js';
import type { SessionTokens } from '../protocol/resources.js';
import type { AuthOptions, SessionManager } from './session-manager.js';

/** A new session, and the visitor's rows that moved to its user (null: nothing merged). */
export type IdentifiedSession = SessionTokens & { merged: Record<string, number> | null };

/** Email + password accounts (publishable-key clients). */
export interface AccountsApi {
  /** Creates an email + password account; the anonymous visitor's conversations move to it. */
  signup(body: { email: string; password: string; name?: string }): Promise<IdentifiedSession>;
  /** Signs in to an account; the anonymous visitor's conversations move to it. */
  login(body: { email: string; password: string }): Promise<IdentifiedSession>;
}

export interface AuthFlows {
  identify(identityToken: string): Promise<IdentifiedSession>;
  accounts: AccountsApi;
  logout(): Promise<void>;
  logoutAll(): Promise<{ revokedSessions: number }>;
}

/**
 * Switching users: identify / signup / login exchange something for a new
 * session, sent with the current (anonymous) one so the server merges the
 * visitor into the user; logout ends the session on the server and here.
 * `reset` closes the WebSocket, which belongs to the previous user.
 */
export function authFlows(
  auth: AuthOptions,
  http: Http,
  session: SessionManager,
  reset: () => void,
): AuthFlows {
  const key = 'publishableKey' in auth ? auth.publishableKey : false;
  async function exchange(path: string, body: object, fallback: string | false) {
    const current = await session.current();
    const call = (bearer: string | false): Promise<IdentifiedSession> =>
      http.json('POST', path, { auth: bearer, body });
    let next: IdentifiedSession;
    try {
      next = await call(current?.accessToken ?? fallback);
    } catch (err) {
      // A revoked visitor has nothing left to merge: switch without it.
      if (!current || !isRevoked(err as AuthenticationError)) throw err;
      next = await call(fallback);
    }
    reset();
    await session.set(next);
    return next;
  }
  async function end<T>(path: string, none: T): Promise<T> {
    const current = await session.current();
    reset();
    try {
      return current ? await http.json<T>('POST', path, { auth: current.accessToken }) : none;
    } catch (err) {
      // Already expired or revoked on the server: logged out all the same.
      if (err instanceof AuthenticationError) return none;
      throw err;
    } finally {
      await session.clear();
    }
  }
  return {
    identify: (identityToken) => exchange('/v1/sessions/identify', { identityToken }, false),
    accounts: {
      signup: (body) => exchange('/v1/accounts/signup', body, key),
      login: (body) => exchange('/v1/accounts/login', body, key),
    },
    logout: () => end('/v1/sessions/logout', undefined),
    logoutAll: () => end('/v1/sessions/logout-all', { revokedSessions: 0 }),
  };
}
