import type { Knex } from 'knex';
import type { PubSub } from '../infra/pubsub.js';
import type { TenantSettings } from './settings.js';

export interface CachedTenant {
  id: string;
  name: string;
  settings: TenantSettings;
}

const CHANNEL = 'tenants:changed';
const TTL_MS = 5 * 60_000;

/** Tenant settings in process: read on every turn, changed rarely. */
export class TenantCache {
  private readonly entries = new Map<string, { tenant: CachedTenant | null; expires: number }>();

  constructor(
    private readonly knex: Knex,
    private readonly pubsub: PubSub,
  ) {}

  async start(): Promise<() => Promise<void>> {
    return this.pubsub.subscribe(CHANNEL, (id) => this.entries.delete(id));
  }

  async get(id: string): Promise<CachedTenant | null> {
    const hit = this.entries.get(id);
    if (hit && hit.expires > Date.now()) return hit.tenant;
    const row = await this.knex('tenants').where({ id }).first('id', 'name', 'settings');
    const tenant = row ? { id: row.id, name: row.name, settings: row.settings ?? {} } : null;
    this.entries.set(id, { tenant, expires: Date.now() + TTL_MS });
    return tenant;
  }

  async changed(id: string): Promise<void> {
    this.entries.delete(id);
    await this.pubsub.publish(CHANNEL, id);
  }
}
