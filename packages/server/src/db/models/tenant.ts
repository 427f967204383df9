import { Model } from 'objection';

export class Tenant extends Model {
  static override tableName = 'tenants';
  static override jsonAttributes = ['settings'];

  id!: string;
  name!: string;
  settings!: Record<string, unknown>;
  created_at!: Date;
  updated_at!: Date;
}
