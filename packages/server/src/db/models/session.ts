import { Model } from 'objection';

export class Session extends Model {
  static override tableName = 'sessions';

  id!: string;
  tenant_id!: string;
  user_id!: string;
  family_id!: string;
  token_hash!: string;
  expires_at!: Date;
  used_at!: Date | null;
  revoked_at!: Date | null;
  user_agent!: string | null;
  created_at!: Date;
}
