import { Model } from 'objection';

export class ToolExecution extends Model {
  static override tableName = 'tool_executions';
  static override jsonAttributes = ['args', 'result'];

  id!: string;
  tenant_id!: string;
  user_id!: string;
  conversation_id!: string | null;
  message_id!: string | null;
  tool_call_id!: string;
  name!: string;
  args!: unknown;
  result!: unknown;
  status!: 'ok' | 'error' | 'timeout' | 'denied' | 'cancelled';
  error!: string | null;
  duration_ms!: number;
  created_at!: Date;
}
