import { randomUUID } from 'node:crypto';
import type { SessionTokens } from '@parley/sdk/protocol';
import type { Knex } from 'knex';
import { unauthorized } from '../http/errors.js';
import { toEndUser } from '../http/dto.js';
import { signAccessToken } from './access-token.js';
import { generateRefreshToken, sha256 } from './secrets.js';

export interface SessionConfig {
  jwtSecret: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
}

/**
 * Access JWT + opaque refresh token. Refresh tokens rotate on every use;
 * presenting a spent one means it leaked, so the whole family is revoked.
 */
export class SessionService {
  constructor(
    private readonly knex: Knex,
    private readonly config: SessionConfig,
  ) {}

  async issue(
    tenantId: string,
    userId: string,
    opts: { familyId?: string; userAgent?: string; trx?: Knex.Transaction } = {},
  ): Promise<SessionTokens> {
    const db = opts.trx ?? this.knex;
    const familyId = opts.familyId ?? randomUUID();
    const refresh = generateRefreshToken();
    const expiresAt = new Date(Date.now() + this.config.refreshTtlSeconds * 1000);
    await db('sessions').insert({
      tenant_id: tenantId,
      user_id: userId,
      family_id: familyId,
      token_hash: refresh.hash,
      expires_at: expiresAt,
      user_agent: opts.userAgent?.slice(0, 500) ?? null,
    });
    const user = await db('users').where({ id: userId, tenant_id: tenantId }).first();
    return {
      accessToken: signAccessToken(
        { tenantId, userId, sessionFamilyId: familyId },
        this.config.jwtSecret,
        this.config.accessTtlSeconds,
      ),
      expiresIn: this.config.accessTtlSeconds,
      refreshToken: refresh.token,
      user: toEndUser(user),
    };
  }

  async refresh(refreshToken: string, userAgent?: string): Promise<SessionTokens> {
    const hash = sha256(refreshToken);
    const outcome = await this.knex.transaction(async (trx) => {
      // Row lock: two concurrent refreshes of one token cannot both succeed.
      const row = await trx('sessions').where({ token_hash: hash }).forUpdate().first();
      if (!row || row.revoked_at || new Date(row.expires_at).getTime() <= Date.now()) {
        return { kind: 'invalid' as const };
      }
      if (row.used_at) {
        return { kind: 'reused' as const, tenantId: row.tenant_id, familyId: row.family_id };
      }
      await trx('sessions').where({ id: row.id }).update({ used_at: trx.fn.now() });
      const tokens = await this.issue(row.tenant_id, row.user_id, {
        familyId: row.family_id,
        userAgent,
        trx,
      });
      return { kind: 'ok' as const, tokens };
    });
    if (outcome.kind === 'ok') return outcome.tokens;
    if (outcome.kind === 'reused') {
      // Committed on its own: the refusal below must not roll the revocation back.
      await this.revokeFamily(outcome.tenantId, outcome.familyId);
      throw unauthorized('Refresh token was already used; all sessions of this login were revoked');
    }
    throw unauthorized('Invalid or expired refresh token');
  }

  async revokeFamily(tenantId: string, familyId: string): Promise<void> {
    await this.knex('sessions')
      .where({ tenant_id: tenantId, family_id: familyId })
      .whereNull('revoked_at')
      .update({ revoked_at: this.knex.fn.now() });
  }
}
