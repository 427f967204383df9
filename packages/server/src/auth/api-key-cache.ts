import type { Knex } from 'knex';
import type { PubSub } from '../infra/pubsub.js';

export interface CachedKey {
  id: string;
  tenantId: string;
  type: 'secret' | 'publishable';
  allowedOrigins: string[];
}

const TTL_MS = 60_000;
const REVOKED_CHANNEL = 'api-keys:revoked';

/**
 * Resolves key hashes to keys without a database round trip on every call.
 * Revocation is broadcast so every instance drops the key at once.
 */
export class ApiKeyCache {
  private readonly entries = new Map<string, { key: CachedKey | null; expires: number }>();

  constructor(
    private readonly knex: Knex,
    private readonly pubsub: PubSub,
  ) {}

  async start(): Promise<() => Promise<void>> {
    return this.pubsub.subscribe(REVOKED_CHANNEL, (hash) => this.entries.delete(hash));
  }

  async lookup(hash: string): Promise<CachedKey | null> {
    const hit = this.entries.get(hash);
    if (hit && hit.expires > Date.now()) return hit.key;
    const row = await this.knex('api_keys')
      .where({ key_hash: hash })
      .whereNull('revoked_at')
      .first('id', 'tenant_id', 'type', 'allowed_origins');
    const key: CachedKey | null = row
      ? {
          id: row.id,
          tenantId: row.tenant_id,
          type: row.type,
          allowedOrigins: row.allowed_origins ?? [],
        }
      : null;
    this.entries.set(hash, { key, expires: Date.now() + (key ? TTL_MS : 5_000) });
    return key;
  }

  async revoked(hash: string): Promise<void> {
    this.entries.delete(hash);
    await this.pubsub.publish(REVOKED_CHANNEL, hash);
  }
}
