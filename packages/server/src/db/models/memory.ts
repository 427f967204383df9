import { Model } from 'objection';

export class Memory extends Model {
  static override tableName = 'memories';
  static override jsonAttributes = ['source_message_ids'];

  id!: string;
  tenant_id!: string;
  user_id!: string;
  text!: string;
  kind!: string;
  importance!: number;
  access_count!: number;
  last_accessed_at!: Date | null;
  source_message_ids!: string[];
  superseded_by!: string | null;
  invalidated_at!: Date | null;
  expires_at!: Date | null;
  created_at!: Date;
  updated_at!: Date;
}
