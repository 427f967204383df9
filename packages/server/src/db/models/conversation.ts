import { Model } from 'objection';

export class Conversation extends Model {
  static override tableName = 'conversations';
  static override jsonAttributes = ['metadata'];

  id!: string;
  tenant_id!: string;
  user_id!: string;
  title!: string | null;
  last_seq!: string | number;
  metadata!: Record<string, unknown>;
  created_at!: Date;
  updated_at!: Date;
}
