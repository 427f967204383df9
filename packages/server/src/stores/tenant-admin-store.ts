import type { Page } from '@parley/sdk/protocol';
import type { Knex } from 'knex';
import { fn } from 'objection';
import { Tenant } from '../db/models/tenant.js';
import { notFound } from '../errors/domain-error.js';
import { paginate } from '../routes/pagination.js';
import type { TenantSettings } from '../tenants/settings.js';
import type { SettingsPatch } from '../tenants/settings-patch.js';
import { mergeSettings } from '../tenants/settings-patch.js';
import { toIso } from './to-iso.js';

export interface TenantResource {
  id: string;
  name: string;
  settings: TenantSettings;
  createdAt: string;
  updatedAt: string;
}

/**
 * The platform operator's view over all tenants: the one store that is not
 * made for a tenant, because tenants are what it manages. Settings changes
 * are read-modify-write under a row lock, so two PATCHes never lose a key.
 */
export interface TenantAdminStore {
  create(input: { name: string; settings?: TenantSettings }): Promise<TenantResource>;
  list(page: { limit: number; cursor?: string }): Promise<Page<TenantResource>>;
  get(id: string): Promise<TenantResource>;
  /** 404 unless the tenant exists: the guard in front of a tenant's own stores. */
  assertExists(id: string): Promise<void>;
  update(id: string, patch: { name?: string; settings?: SettingsPatch }): Promise<TenantResource>;
  replaceSettings(id: string, settings: TenantSettings): Promise<TenantResource>;
}

export function tenantAdminStore(knex: Knex): TenantAdminStore {
  const get = async (id: string, trx: Knex | Knex.Transaction = knex) => {
    const row = await Tenant.query(trx).findById(id);
    if (!row) throw notFound('Tenant');
    return row;
  };
  const write = (
    id: string,
    change: (row: Tenant) => { name?: string; settings: TenantSettings },
  ): Promise<TenantResource> =>
    knex.transaction(async (trx) => {
      const row = await Tenant.query(trx).findById(id).forUpdate();
      if (!row) throw notFound('Tenant');
      const updated = await Tenant.query(trx).patchAndFetchById(id, {
        ...change(row),
        updated_at: fn.now(),
      });
      return toTenant(updated);
    });
  return {
    async create(input) {
      const row = await Tenant.query(knex)
        .insert({ name: input.name, settings: input.settings ?? {} })
        .returning('*');
      return toTenant(row);
    },
    async list(q) {
      const page = await paginate(Tenant.query(knex).toKnexQuery(), q, 'created_at');
      return {
        data: page.rows.map((r) => toTenant(Tenant.fromDatabaseJson(r))),
        nextCursor: page.nextCursor,
      };
    },
    get: async (id) => toTenant(await get(id)),
    async assertExists(id) {
      await get(id);
    },
    update: (id, patch) =>
      write(id, (row) => ({
        ...(patch.name === undefined ? {} : { name: patch.name }),
        settings: patch.settings ? mergeSettings(row.settings ?? {}, patch.settings) : row.settings,
      })),
    replaceSettings: (id, settings) => write(id, () => ({ settings })),
  };
}

function toTenant(row: Tenant): TenantResource {
  return {
    id: row.id,
    name: row.name,
    settings: row.settings ?? {},
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}
