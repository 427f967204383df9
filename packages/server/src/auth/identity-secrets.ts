import { randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { Knex } from 'knex';
import type { PubSub } from '../infra/pubsub.js';
import type { JwtKeyring } from './jwt-keyring.js';
import { secretKey } from './jwt-keyring.js';
import { open, seal } from './secret-box.js';

const CHANGED_CHANNEL = 'identity-secrets:changed';
const TTL_MS = 60_000;

export interface IdentitySecretInfo {
  /** The key id tenants put in the identity token's `kid` header. */
  id: string;
  createdAt: string;
  /** Set once rotated away: the secret still verifies until then. */
  expiresAt: string | null;
}

interface Entry {
  tenantId: string;
  key: KeyObject;
  expiresAt: number | null;
}

/**
 * Per-tenant secrets for identity tokens (HS256, like Intercom's identity
 * verification). Created or rotated by the operator and shown once; stored
 * encrypted; the previous secret keeps verifying for a grace period so a
 * tenant can deploy the new one without failed logins.
 */
export class IdentitySecrets {
  private readonly cache = new Map<string, { entry: Entry | null; expires: number }>();

  constructor(
    private readonly knex: Knex,
    private readonly pubsub: PubSub,
    private readonly keyring: JwtKeyring,
  ) {}

  async start(): Promise<() => Promise<void>> {
    return this.pubsub.subscribe(CHANGED_CHANNEL, () => this.cache.clear());
  }

  /** A new secret for the tenant; earlier live ones expire after `graceSeconds`. */
  async rotate(
    tenantId: string,
    graceSeconds: number,
  ): Promise<{ info: IdentitySecretInfo; secret: string }> {
    const secret = 'ids_' + randomBytes(32).toString('base64url');
    const row = await this.knex.transaction(async (trx) => {
      await trx('identity_secrets')
        .where({ tenant_id: tenantId })
        .where((q) =>
          q
            .whereNull('expires_at')
            .orWhere(
              'expires_at',
              '>',
              trx.raw('now() + ?::interval', [`${graceSeconds} seconds`]),
            ),
        )
        .update({ expires_at: trx.raw('now() + ?::interval', [`${graceSeconds} seconds`]) });
      const [inserted] = await trx('identity_secrets')
        .insert({ tenant_id: tenantId, secret_sealed: seal(this.keyring, secret) })
        .returning('*');
      return inserted;
    });
    this.cache.clear();
    await this.pubsub.publish(CHANGED_CHANNEL, tenantId);
    return { info: toInfo(row), secret };
  }

  async list(tenantId: string): Promise<IdentitySecretInfo[]> {
    const rows = await this.knex('identity_secrets')
      .where({ tenant_id: tenantId })
      .where((q) => q.whereNull('expires_at').orWhere('expires_at', '>', this.knex.fn.now()))
      .orderBy('created_at', 'desc');
    return rows.map(toInfo);
  }

  /** The live secret named by `kid`, with its tenant; null if unknown or expired. */
  async lookup(kid: string): Promise<{ tenantId: string; key: KeyObject } | null> {
    const now = Date.now();
    let hit = this.cache.get(kid);
    if (!hit || hit.expires <= now) {
      const row = await this.knex('identity_secrets').where({ id: kid }).first();
      const secret = row ? open(this.keyring, row.secret_sealed) : null;
      const entry: Entry | null =
        row && secret
          ? {
              tenantId: row.tenant_id,
              key: secretKey(secret),
              expiresAt: row.expires_at ? new Date(row.expires_at).getTime() : null,
            }
          : null;
      hit = { entry, expires: now + TTL_MS };
      this.cache.set(kid, hit);
    }
    const e = hit.entry;
    if (!e || (e.expiresAt !== null && e.expiresAt <= now)) return null;
    return { tenantId: e.tenantId, key: e.key };
  }
}

function toInfo(row: Record<string, unknown>): IdentitySecretInfo {
  const iso = (v: unknown) => new Date(v as string).toISOString();
  return {
    id: row.id as string,
    createdAt: iso(row.created_at),
    expiresAt: row.expires_at ? iso(row.expires_at) : null,
  };
}
