import type { SessionTokens } from '@parley/sdk/protocol';
import type { Knex } from 'knex';
import { tenantScope } from '../db/scoped.js';
import type { UserAuth } from '../http/koa-state.js';
import type { SignInStore } from '../stores/sign-in-store.js';
import { signInStore } from '../stores/sign-in-store.js';
import { mergeAnonymousUser, publishMerge } from './merge-anonymous.js';
import type { SessionRevocations } from './session-revocations.js';
import type { SessionService } from './session-service.js';

export interface SignInResult extends SessionTokens {
  /** Rows moved from the anonymous visitor, per table; null when nothing was merged. */
  merged: Record<string, number> | null;
}

export interface SignInRequest {
  tenantId: string;
  /** Who signs in: found or created in the same transaction as the session. */
  user(users: SignInStore): Promise<string>;
  /** The anonymous visitor signing in, whose data moves to the user. */
  visitor: UserAuth | null;
  userAgent?: string;
}

export type SignIn = (request: SignInRequest) => Promise<SignInResult>;

/**
 * Signs a user in: finds or creates them, moves the visitor's data to them
 * and issues a session, all in one tenant transaction (RLS set); the
 * visitor's old sessions die on every instance once it committed. Shared by
 * identity tokens, signup and login.
 */
export function signIn(deps: {
  knex: Knex;
  sessions: Pick<SessionService, 'issue'>;
  revocations: Pick<SessionRevocations, 'revoke'>;
}): SignIn {
  return async ({ tenantId, user, visitor, userAgent }) => {
    const result = await tenantScope(deps.knex, tenantId).transaction(async (trx, t) => {
      const userId = await user(signInStore(trx, tenantId));
      const merge = visitor ? await mergeAnonymousUser(trx, t, visitor.userId, userId) : null;
      const tokens = await deps.sessions.issue(tenantId, userId, { userAgent, trx });
      return { tokens, merge };
    });
    await publishMerge(deps, visitor, result.merge);
    return { ...result.tokens, merged: result.merge?.merged ? result.merge.moved : null };
  };
}
