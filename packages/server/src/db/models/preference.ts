import { Model } from 'objection';

export class Preference extends Model {
  static override tableName = 'preferences';
  static override idColumn = 'user_id';
  static override jsonAttributes = ['data'];

  user_id!: string;
  tenant_id!: string;
  timezone!: string | null;
  locale!: string | null;
  data!: Record<string, unknown>;
  updated_at!: Date;
}
