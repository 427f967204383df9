import { Model } from 'objection';

export class User extends Model {
  static override tableName = 'users';
  static override jsonAttributes = ['traits'];

  id!: string;
  tenant_id!: string;
  external_id!: string | null;
  anonymous!: boolean;
  name!: string | null;
  email!: string | null;
  password_hash!: string | null;
  traits!: Record<string, unknown>;
  merged_into!: string | null;
  created_at!: Date;
  updated_at!: Date;
  last_seen_at!: Date | null;
}
