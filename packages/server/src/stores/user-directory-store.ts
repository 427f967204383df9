import type { EndUser, Page } from '@parley/sdk/protocol';
import type { Knex } from 'knex';
import { Tenant } from '../db/models/tenant.js';
import { User } from '../db/models/user.js';
import { notFound } from '../errors/domain-error.js';
import { eraseUser } from '../memory/memory-admin.js';
import { paginate } from '../routes/pagination.js';
import { toEndUser } from '../http/dto.js';
import { toIsoOrNull } from './to-iso.js';

/** An end user as the operator sees them. */
export interface DirectoryUser extends EndUser {
  traits: Record<string, unknown>;
  createdAt: string | null;
  lastSeenAt: string | null;
  /** Set once an anonymous visitor signed in: the user their data moved to. */
  mergedInto: string | null;
}

/** What `GET /v1/me` shows a user about themselves. */
export interface Profile extends EndUser {
  traits: Record<string, unknown>;
  hasPassword: boolean;
}

export interface UserFilter {
  limit: number;
  cursor?: string;
  email?: string;
  externalId?: string;
  anonymous?: boolean;
}

/** One tenant's end users: the operator's listing, a user's own profile, GDPR erasure. */
export interface UserDirectoryStore {
  list(filter: UserFilter): Promise<Page<DirectoryUser>>;
  /** 404 unless the user belongs to this tenant. */
  assertExists(userId: string): Promise<void>;
  /** Null for a user who is gone or was merged into another (their tokens are revoked). */
  profile(userId: string): Promise<Profile | null>;
  /** Deletes the user and everything theirs; per-table counts, or null when not in this tenant. */
  erase(userId: string): Promise<Record<string, number> | null>;
}

export function userDirectoryStore(db: Knex, tenantId: string): UserDirectoryStore {
  const users = () => Tenant.relatedQuery('users', db).for(tenantId);
  return {
    async list(f) {
      const query = users();
      if (f.email) query.whereRaw('lower(email) = ?', [f.email.trim().toLowerCase()]);
      if (f.externalId) query.where('external_id', f.externalId);
      if (f.anonymous !== undefined) query.where('anonymous', f.anonymous);
      const page = await paginate(query.toKnexQuery(), f, 'created_at');
      return {
        data: page.rows.map((r) => toDirectoryUser(User.fromDatabaseJson(r))),
        nextCursor: page.nextCursor,
      };
    },
    async assertExists(userId) {
      if (!(await users().findById(userId).select('users.id'))) throw notFound('User');
    },
    async profile(userId) {
      const row = await users().findById(userId);
      if (!row || row.merged_into) return null;
      return {
        ...toEndUser(row),
        traits: row.traits ?? {},
        hasPassword: row.password_hash != null,
      };
    },
    erase: (userId) => eraseUser(db, { tenantId, userId }),
  };
}

function toDirectoryUser(row: User): DirectoryUser {
  return {
    ...toEndUser(row),
    traits: row.traits ?? {},
    createdAt: toIsoOrNull(row.created_at),
    lastSeenAt: toIsoOrNull(row.last_seen_at),
    mergedInto: row.merged_into ?? null,
  };
}
