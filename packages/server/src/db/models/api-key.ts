import { Model } from 'objection';

export class ApiKey extends Model {
  static override tableName = 'api_keys';
  static override jsonAttributes = ['allowed_origins'];

  id!: string;
  tenant_id!: string;
  type!: 'secret' | 'publishable';
  name!: string | null;
  prefix!: string;
  key_hash!: string;
  allowed_origins!: string[];
  last_used_at!: Date | null;
  revoked_at!: Date | null;
  created_at!: Date;
}
