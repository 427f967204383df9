import type { Knex } from 'knex';
import { fn } from 'objection';
import { Tenant } from '../db/models/tenant.js';
import type { ToolConfig } from '../db/models/tool-config.js';
import { DomainError, notFound } from '../errors/domain-error.js';
import { isUniqueViolation } from './unique-violation.js';

export type ToolKind = ToolConfig['kind'];

export interface ToolSetting {
  kind: ToolKind;
  enabled: boolean;
  config: Record<string, unknown>;
}

/**
 * One tenant's rows of the `tools` table: its settings for catalog tools and
 * its own HTTP tools and MCP servers. Made for a tenant: every query runs
 * through its `tools` relation.
 */
export interface ToolConfigStore {
  /** By name. */
  list(): Promise<ToolConfig[]>;
  find(name: string): Promise<ToolConfig | undefined>;
  /** A new tool of the tenant's own; a taken name is a `conflict`. */
  add(name: string, setting: ToolSetting): Promise<void>;
  /** Creates or replaces the tenant's setting for `name`. */
  put(name: string, setting: ToolSetting): Promise<void>;
  /** Replaces the config of an existing row (404 when there is none). */
  setConfig(name: string, config: Record<string, unknown>): Promise<void>;
  /** 404 when the tenant has no row of that name. */
  remove(name: string): Promise<void>;
}

export function toolConfigStore(db: Knex, tenantId: string): ToolConfigStore {
  const tools = () => Tenant.relatedQuery('tools', db).for(tenantId);
  const taken = (name: string) =>
    new DomainError('conflict', `A tool named "${name}" already exists`);
  return {
    list: async () => tools().orderBy('name'),
    find: async (name) => tools().findOne('tools.name', name),
    async add(name, s) {
      try {
        await tools().insert({ name, kind: s.kind, enabled: s.enabled, config: s.config });
      } catch (err) {
        if (isUniqueViolation(err)) throw taken(name);
        throw err;
      }
    },
    async put(name, s) {
      // One statement: concurrent PUTs of the same tool never collide on the unique key.
      await db('tools')
        .insert({
          tenant_id: tenantId,
          name,
          kind: s.kind,
          enabled: s.enabled,
          config: JSON.stringify(s.config),
        })
        .onConflict(['tenant_id', 'name'])
        .merge({ enabled: s.enabled, config: JSON.stringify(s.config), updated_at: db.fn.now() });
    },
    async setConfig(name, config) {
      const changed = await tools()
        .where('tools.name', name)
        .patch({ config, updated_at: fn.now() })
        .returning('tools.id');
      if (changed.length === 0) throw notFound('Tool');
    },
    async remove(name) {
      // Rows, not a count: the PGlite dialect does not report affected-row counts.
      const gone = await tools().where('tools.name', name).delete().returning('tools.id');
      if (gone.length === 0) throw notFound('Tool');
    },
  };
}
