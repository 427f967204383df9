import { Model } from 'objection';

export class ToolConfig extends Model {
  static override tableName = 'tools';
  static override jsonAttributes = ['config'];

  id!: string;
  tenant_id!: string;
  name!: string;
  kind!: string;
  enabled!: boolean;
  config!: Record<string, unknown>;
  created_at!: Date;
  updated_at!: Date;
}
