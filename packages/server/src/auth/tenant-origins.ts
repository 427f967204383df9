import type { Knex } from 'knex';
import type { PubSub } from '../infra/pubsub.js';
import { originAllowed } from './origins.js';

const CHANGED_CHANNEL = 'tenant-origins:changed';
const TTL_MS = 60_000;

/**
 * The browser origins a tenant allows: the union of its live publishable
 * keys' allowed origins. Endpoints called with an access token accept a
 * browser Origin only from this list (or the server's own origin).
 */
export class TenantOrigins {
  private readonly entries = new Map<string, { origins: string[]; expires: number }>();

  constructor(
    private readonly knex: Knex,
    private readonly pubsub: PubSub,
  ) {}

  async start(): Promise<() => Promise<void>> {
    const stops = await Promise.all([
      this.pubsub.subscribe(CHANGED_CHANNEL, (tenantId) => this.entries.delete(tenantId)),
      // A revoked key broadcasts its hash, not its tenant: forget everything (rare).
      this.pubsub.subscribe('api-keys:revoked', () => this.entries.clear()),
    ]);
    return async () => {
      await Promise.all(stops.map((s) => s()));
    };
  }

  async get(tenantId: string): Promise<string[]> {
    const hit = this.entries.get(tenantId);
    if (hit && hit.expires > Date.now()) return hit.origins;
    const rows: { allowed_origins: string[] | null }[] = await this.knex('api_keys')
      .where({ tenant_id: tenantId, type: 'publishable' })
      .whereNull('revoked_at')
      .select('allowed_origins');
    const origins = [...new Set(rows.flatMap((r) => r.allowed_origins ?? []))];
    this.entries.set(tenantId, { origins, expires: Date.now() + TTL_MS });
    return origins;
  }

  async allows(tenantId: string, origin: string): Promise<boolean> {
    return originAllowed(origin, await this.get(tenantId));
  }

  /** Call after creating or revoking a tenant's key. */
  async changed(tenantId: string): Promise<void> {
    this.entries.delete(tenantId);
    await this.pubsub.publish(CHANGED_CHANNEL, tenantId);
  }
}
