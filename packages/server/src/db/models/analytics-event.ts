import { Model } from 'objection';

export class AnalyticsEvent extends Model {
  static override tableName = 'analytics_events';
  static override jsonAttributes = ['properties'];

  id!: string;
  tenant_id!: string;
  user_id!: string | null;
  type!: string;
  properties!: Record<string, unknown>;
  created_at!: Date;
}
