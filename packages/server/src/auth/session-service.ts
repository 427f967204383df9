import { randomUUID } from 'node:crypto';
import type { SessionTokens } from '@parley/sdk/protocol';
import type { Knex } from 'knex';
import { unauthorized } from '../errors/domain-error.js';
import { toEndUser } from '../http/dto.js';
import { signAccessToken } from './access-token.js';
import type { JwtKeyring } from './jwt-keyring.js';
import { generateRefreshToken, sha256 } from './secrets.js';
import type { RevokeReason, SessionRevocations } from './session-revocations.js';

export interface SessionConfig {
  keyring: JwtKeyring;
  /** Epoch ms from the server's clock: token issue and refresh expiry. */
  now: () => number;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
}

/**
 * Access JWT + opaque refresh token. Refresh tokens rotate on every use;
 * presenting a spent one means it leaked, so the whole family is revoked.
 * Revoking a family also kills its live access tokens (see SessionRevocations).
 */
export class SessionService {
  constructor(
    private readonly knex: Knex,
    private readonly config: SessionConfig,
    private readonly revocations: SessionRevocations,
  ) {}

  async issue(
    tenantId: string,
    userId: string,
    opts: {
      familyId?: string;
      userAgent?: string;
      trx?: Knex.Transaction;
      /** The `sk_` key that started this login: revoking the key ends it. */
      apiKeyId?: string | null;
    } = {},
  ): Promise<SessionTokens> {
    const db = opts.trx ?? this.knex;
    if (opts.apiKeyId && !opts.familyId) {
      // A request that passed the key check just before the key was revoked must not
      // start a login the revocation (which ran already) would miss.
      const live = await db('api_keys')
        .where({ id: opts.apiKeyId, tenant_id: tenantId })
        .whereNull('revoked_at')
        .first('id');
      if (!live) throw unauthorized('API key was revoked');
    }
    const familyId = opts.familyId ?? randomUUID();
    const refresh = generateRefreshToken();
    const expiresAt = new Date(this.config.now() + this.config.refreshTtlSeconds * 1000);
    await db('sessions').insert({
      tenant_id: tenantId,
      user_id: userId,
      family_id: familyId,
      token_hash: refresh.hash,
      expires_at: expiresAt,
      user_agent: opts.userAgent?.slice(0, 500) ?? null,
      api_key_id: opts.apiKeyId ?? null,
    });
    const user = await db('users').where({ id: userId, tenant_id: tenantId }).first();
    return {
      accessToken: signAccessToken(
        { tenantId, userId, sessionFamilyId: familyId },
        this.config.keyring,
        this.config.accessTtlSeconds,
        this.config.now(),
      ),
      expiresIn: this.config.accessTtlSeconds,
      refreshToken: refresh.token,
      user: toEndUser(user),
    };
  }

  /**
   * Rotates a refresh token. `checkTenant` runs before anything changes
   * (the route checks the browser origin against the tenant's keys).
   */
  async refresh(
    refreshToken: string,
    opts: { userAgent?: string; checkTenant?: (tenantId: string) => Promise<void> } = {},
  ): Promise<SessionTokens> {
    const hash = sha256(refreshToken);
    const invalid = () => unauthorized('Invalid or expired refresh token');
    if (opts.checkTenant) {
      // Outside the transaction: the check may read the database (PGlite has one connection).
      const peek = await this.knex('sessions').where({ token_hash: hash }).first('tenant_id');
      if (!peek) throw invalid();
      await opts.checkTenant(peek.tenant_id);
    }
    const outcome = await this.knex.transaction(async (trx) => {
      // Row lock: two concurrent refreshes of one token cannot both succeed.
      const row = await trx('sessions').where({ token_hash: hash }).forUpdate().first();
      if (!row || row.revoked_at || new Date(row.expires_at).getTime() <= this.config.now()) {
        throw invalid();
      }
      if (row.used_at) {
        await trx('sessions')
          .where({ family_id: row.family_id, tenant_id: row.tenant_id })
          .whereNull('revoked_at')
          .update({ revoked_at: trx.fn.now() });
        // Committed, then refused: throwing here would roll the revocation back.
        const reused = row as { tenant_id: string; user_id: string; family_id: string };
        return { reused, tokens: null };
      }
      await trx('sessions').where({ id: row.id }).update({ used_at: trx.fn.now() });
      const tokens = await this.issue(row.tenant_id, row.user_id, {
        familyId: row.family_id,
        userAgent: opts.userAgent,
        apiKeyId: row.api_key_id,
        trx,
      });
      return { tokens, reused: null };
    });
    if (outcome.tokens) return outcome.tokens;
    const reused = outcome.reused!;
    await this.revocations.revoke({
      tenantId: reused.tenant_id,
      userId: reused.user_id,
      familyIds: [reused.family_id],
      reason: 'reuse',
    });
    throw unauthorized('Refresh token was already used; all sessions of this login were revoked');
  }

  /** Logout: this login's refresh tokens and live access tokens. */
  async revokeFamily(
    tenantId: string,
    userId: string,
    familyId: string,
    reason: RevokeReason = 'logout',
  ): Promise<void> {
    await this.knex('sessions')
      .where({ tenant_id: tenantId, user_id: userId, family_id: familyId })
      .whereNull('revoked_at')
      .update({ revoked_at: this.knex.fn.now() });
    await this.revocations.revoke({ tenantId, userId, familyIds: [familyId], reason });
  }

  /**
   * A revoked `sk_` key: every login it started ends (refresh tokens, live
   * access tokens, WebSockets), on every instance. Returns how many.
   */
  async revokeApiKey(tenantId: string, apiKeyId: string): Promise<number> {
    const rows: { user_id: string; family_id: string }[] = await this.knex('sessions')
      .where({ tenant_id: tenantId, api_key_id: apiKeyId })
      .whereNull('revoked_at')
      .update({ revoked_at: this.knex.fn.now() })
      .returning(['user_id', 'family_id']);
    const byUser = new Map<string, Set<string>>();
    for (const r of rows)
      byUser.set(r.user_id, (byUser.get(r.user_id) ?? new Set()).add(r.family_id));
    for (const [userId, families] of byUser) {
      await this.revocations.revoke({
        tenantId,
        userId,
        familyIds: [...families],
        reason: 'key_revoked',
      });
    }
    return [...byUser.values()].reduce((n, f) => n + f.size, 0);
  }

  /** Log out everywhere / admin revoke: every login of one user. Returns how many. */
  async revokeUser(tenantId: string, userId: string, reason: RevokeReason): Promise<number> {
    const familyIds = await markUserSessionsRevoked(this.knex, tenantId, userId);
    await this.revocations.revoke({ tenantId, userId, familyIds, reason });
    return familyIds.length;
  }
}

/**
 * Marks every unrevoked refresh token of a user revoked and returns their
 * families. Inside a transaction, publish the revocation after it commits.
 */
export async function markUserSessionsRevoked(
  db: Knex | Knex.Transaction,
  tenantId: string,
  userId: string,
): Promise<string[]> {
  const rows: { family_id: string }[] = await db('sessions')
    .where({ tenant_id: tenantId, user_id: userId })
    .whereNull('revoked_at')
    .update({ revoked_at: db.fn.now() })
    .returning('family_id');
  return [...new Set(rows.map((r) => r.family_id))];
}
