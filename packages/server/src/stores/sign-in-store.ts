import type { Knex } from 'knex';
import { tenantScope } from '../db/scoped.js';
import { DomainError } from '../errors/domain-error.js';
import { isUniqueViolation } from './unique-violation.js';

export interface ExternalUser {
  externalId: string;
  name?: string;
  email?: string;
  traits?: Record<string, unknown>;
}

/**
 * The user rows sign-in creates and reads, for one tenant: anonymous
 * visitors, the tenant's own users (by external id), email + password
 * accounts. Works on a transaction, so sign-in can merge and issue in one.
 */
export interface SignInStore {
  createAnonymous(): Promise<string>;
  /** Created on first sight; later calls update what they carry and keep what they omit. */
  upsertExternal(user: ExternalUser): Promise<string>;
  /** A taken email is a `conflict`. */
  createAccount(account: { email: string; name?: string; passwordHash: string }): Promise<string>;
  /** A live account with a password, by normalised email. */
  findAccount(email: string): Promise<{ id: string; passwordHash: string } | null>;
}

export function signInStore(db: Knex | Knex.Transaction, tenantId: string): SignInStore {
  const tenant = tenantScope(db, tenantId);
  return {
    async createAnonymous() {
      const [row] = await tenant.insert('users', { anonymous: true }).returning('id');
      return row.id as string;
    },
    async upsertExternal(u) {
      const merge: Record<string, unknown> = {
        name: db.raw('coalesce(excluded.name, users.name)'),
        email: db.raw('coalesce(excluded.email, users.email)'),
        updated_at: db.fn.now(),
      };
      if (u.traits) merge.traits = db.raw('excluded.traits');
      try {
        const [row] = await tenant
          .insert('users', {
            external_id: u.externalId,
            anonymous: false,
            name: u.name ?? null,
            email: u.email ?? null,
            traits: JSON.stringify(u.traits ?? {}),
          })
          .onConflict(db.raw('(tenant_id, external_id) where external_id is not null'))
          .merge(merge)
          .returning('id');
        return row.id as string;
      } catch (err) {
        if (isUniqueViolation(err))
          throw new DomainError('conflict', 'Another user of this tenant already has this email');
        throw err;
      }
    },
    async createAccount(a) {
      try {
        const [row] = await tenant
          .insert('users', {
            anonymous: false,
            email: a.email,
            name: a.name ?? null,
            password_hash: a.passwordHash,
          })
          .returning('id');
        return row.id as string;
      } catch (err) {
        // Without email verification a taken address cannot be hidden; say it plainly.
        if (isUniqueViolation(err))
          throw new DomainError('conflict', 'An account with this email already exists; log in');
        throw err;
      }
    },
    async findAccount(email) {
      const row = await tenant
        .rows('users')
        .whereRaw('lower(email) = ?', [email])
        .whereNotNull('password_hash')
        .whereNull('merged_into')
        .first('id', 'password_hash');
      return row ? { id: row.id as string, passwordHash: row.password_hash as string } : null;
    },
  };
}
