import { Model } from 'objection';

export class UploadedFile extends Model {
  static override tableName = 'uploaded_files';

  id!: string;
  tenant_id!: string;
  user_id!: string;
  conversation_id!: string | null;
  filename!: string;
  mime_type!: string;
  size_bytes!: string | number;
  sha256!: string;
  storage_key!: string;
  created_at!: Date;
}
