import { Model } from 'objection';

export class UsageRecord extends Model {
  static override tableName = 'usage';
  static override idColumn = ['tenant_id', 'user_id', 'day'];

  tenant_id!: string;
  user_id!: string;
  day!: string;
  messages!: number;
  input_tokens!: string | number;
  output_tokens!: string | number;
  cost_usd!: string;
}
