import { Model } from 'objection';
import type { RelationMappings } from 'objection';
import type { TenantSettings } from '../../tenants/settings.js';
import { ApiKey } from './api-key.js';
import { ToolConfig } from './tool-config.js';
import { User } from './user.js';

/**
 * A tenant and what belongs to it. Tenant-level stores reach keys, tools and
 * users through these relations (`Tenant.relatedQuery('apiKeys').for(id)`),
 * so every query and insert is filtered and stamped with the tenant.
 */
export class Tenant extends Model {
  static override tableName = 'tenants';
  static override jsonAttributes = ['settings'];

  id!: string;
  name!: string;
  settings!: TenantSettings;
  created_at!: Date;
  updated_at!: Date;
  apiKeys?: ApiKey[];
  tools?: ToolConfig[];
  users?: User[];

  static override get relationMappings(): RelationMappings {
    const owned = (modelClass: typeof Model, table: string) => ({
      relation: Model.HasManyRelation,
      modelClass,
      join: { from: 'tenants.id', to: `${table}.tenant_id` },
    });
    return {
      apiKeys: owned(ApiKey, 'api_keys'),
      tools: owned(ToolConfig, 'tools'),
      users: owned(User, 'users'),
    };
  }
}
