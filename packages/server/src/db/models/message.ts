import { Model } from 'objection';

export class Message extends Model {
  static override tableName = 'messages';
  static override jsonAttributes = ['metadata', 'tool_calls'];

  id!: string;
  tenant_id!: string;
  user_id!: string;
  conversation_id!: string;
  role!: 'user' | 'assistant' | 'tool' | 'system';
  content!: string;
  status!: 'complete' | 'incomplete' | 'failed';
  seq!: string | number;
  client_message_id!: string | null;
  provider!: string | null;
  model!: string | null;
  offline!: boolean;
  input_tokens!: number | null;
  output_tokens!: number | null;
  cost_usd!: string | null;
  tool_calls!: unknown;
  tool_call_id!: string | null;
  metadata!: Record<string, unknown>;
  created_at!: Date;
}
