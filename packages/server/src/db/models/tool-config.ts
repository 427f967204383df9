import { Model } from 'objection';

/** A tenant's setting for one catalog tool, or its own HTTP tool / MCP server. */
export class ToolConfig extends Model {
  static override tableName = 'tools';
  static override jsonAttributes = ['config'];

  id!: string;
  tenant_id!: string;
  name!: string;
  kind!: 'builtin' | 'plugin' | 'http' | 'mcp';
  enabled!: boolean;
  config!: Record<string, unknown>;
  created_at!: Date;
  updated_at!: Date;
}
