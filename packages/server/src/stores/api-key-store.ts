import type { Knex } from 'knex';
import { raw } from 'objection';
import type { ApiKey } from '../db/models/api-key.js';
import { Tenant } from '../db/models/tenant.js';
import { notFound } from '../errors/domain-error.js';
import { toIso, toIsoOrNull } from './to-iso.js';

export interface ApiKeyResource {
  id: string;
  tenantId: string;
  type: 'secret' | 'publishable';
  name: string | null;
  /** The first characters, for people to recognise a key; the key itself is never stored. */
  prefix: string;
  allowedOrigins: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface NewApiKey {
  type: 'secret' | 'publishable';
  name?: string;
  allowedOrigins?: string[];
  /** From generateApiKey: only the hash and the prefix are stored. */
  hash: string;
  prefix: string;
}

/** One tenant's API keys. Made for a tenant: every query runs through its `apiKeys` relation. */
export interface ApiKeyStore {
  create(key: NewApiKey): Promise<ApiKeyResource>;
  /** Newest first, revoked ones included (with revokedAt). */
  list(): Promise<ApiKeyResource[]>;
  /** Idempotent; returns the key and its hash (for the caches that must forget it). */
  revoke(id: string): Promise<{ key: ApiKeyResource; hash: string }>;
}

export function apiKeyStore(db: Knex | Knex.Transaction, tenantId: string): ApiKeyStore {
  const keys = () => Tenant.relatedQuery('apiKeys', db).for(tenantId);
  return {
    async create(key) {
      const row = await keys()
        .insert({
          type: key.type,
          name: key.name ?? null,
          prefix: key.prefix,
          key_hash: key.hash,
          allowed_origins: key.allowedOrigins ?? [],
        })
        .returning('*');
      return toApiKey(row);
    },
    async list() {
      const rows = await keys().orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
      return rows.map(toApiKey);
    },
    async revoke(id) {
      const [row] = await keys()
        .where('api_keys.id', id)
        .patch({ revoked_at: raw('coalesce(revoked_at, now())') })
        .returning('*');
      if (!row) throw notFound('API key');
      return { key: toApiKey(row), hash: row.key_hash };
    },
  };
}

function toApiKey(row: ApiKey): ApiKeyResource {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    type: row.type,
    name: row.name ?? null,
    prefix: row.prefix,
    allowedOrigins: row.allowed_origins ?? [],
    createdAt: toIso(row.created_at),
    lastUsedAt: toIsoOrNull(row.last_used_at),
    revokedAt: toIsoOrNull(row.revoked_at),
  };
}
