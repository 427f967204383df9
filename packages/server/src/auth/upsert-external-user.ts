import type { Knex } from 'knex';
import { DomainError } from '../errors/domain-error.js';

export interface ExternalUser {
  externalId: string;
  name?: string;
  email?: string;
  traits?: Record<string, unknown>;
}

/**
 * The tenant's user `externalId`, created on first sight; later calls update
 * the name, email and traits they carry and keep what they omit.
 */
export async function upsertExternalUser(
  db: Knex | Knex.Transaction,
  tenantId: string,
  u: ExternalUser,
): Promise<string> {
  const merge: Record<string, unknown> = {
    name: db.raw('coalesce(excluded.name, users.name)'),
    email: db.raw('coalesce(excluded.email, users.email)'),
    updated_at: db.fn.now(),
  };
  if (u.traits) merge.traits = db.raw('excluded.traits');
  try {
    const [user] = await db('users')
      .insert({
        tenant_id: tenantId,
        external_id: u.externalId,
        anonymous: false,
        name: u.name ?? null,
        email: u.email ?? null,
        traits: JSON.stringify(u.traits ?? {}),
      })
      .onConflict(db.raw('(tenant_id, external_id) where external_id is not null'))
      .merge(merge)
      .returning('id');
    return user.id as string;
  } catch (err) {
    if ((err as { code?: string }).code === '23505') {
      throw new DomainError('conflict', 'Another user of this tenant already has this email');
    }
    throw err;
  }
}
