import type { Knex } from 'knex';
import type { TenantScope } from '../db/scoped.js';
import type { UserAuth } from '../http/koa-state.js';
import type { SessionRevocations } from './session-revocations.js';
import { markUserSessionsRevoked } from './session-service.js';

export interface MergeResult {
  merged: boolean;
  /** Rows moved per table, e.g. `{ conversations: 2, messages: 6 }`. */
  moved: Record<string, number>;
  /** The anonymous user's session families, revoked: publish after commit. */
  revokedFamilies: string[];
}

/** Tables with special rules; every other table with tenant_id + user_id moves as is. */
const SPECIAL = new Set(['users', 'sessions', 'preferences', 'usage']);

let ownedTables: Promise<string[]> | null = null;
/** Found in the schema, so tables added later (tool approvals, files…) move too. */
function userOwnedTables(trx: Knex.Transaction): Promise<string[]> {
  ownedTables ??= trx
    .raw(
      `select c.table_name from information_schema.columns c
       join information_schema.columns t on t.table_schema = c.table_schema
         and t.table_name = c.table_name and t.column_name = 'tenant_id'
       where c.column_name = 'user_id' and c.table_schema = current_schema()
       order by c.table_name`,
    )
    .then((r: { rows: { table_name: string }[] }) =>
      r.rows.map((x) => x.table_name).filter((t) => !SPECIAL.has(t)),
    )
    .catch((err: unknown) => {
      ownedTables = null;
      throw err;
    });
  return ownedTables;
}

/**
 * Moves an anonymous visitor's data (conversations, messages, memories, …)
 * to the user they identified as, within one tenant and one transaction, and
 * marks the visitor merged. A visitor already merged, not anonymous, or of
 * another tenant is left alone. Call inside `tenantScope(...).transaction`.
 */
export async function mergeAnonymousUser(
  trx: Knex.Transaction,
  tenant: TenantScope,
  fromUserId: string,
  toUserId: string,
): Promise<MergeResult> {
  const none: MergeResult = { merged: false, moved: {}, revokedFamilies: [] };
  if (fromUserId === toUserId) return none;
  // Row lock: two identify calls with the same visitor merge once.
  const from = await tenant.rows('users').where({ id: fromUserId }).forUpdate().first();
  if (!from || !from.anonymous || from.merged_into) return none;
  const tenantId = tenant.tenantId;
  const moved: Record<string, number> = {};

  for (const table of await userOwnedTables(trx)) {
    const n = await tenant.user(fromUserId).rows(table).update({ user_id: toUserId });
    if (n) moved[table] = n;
  }
  // Usage is one row per user and day: add the visitor's days onto the user's.
  const usage = await trx.raw(
    `with gone as (
       delete from usage where tenant_id = ? and user_id = ? returning *
     )
     insert into usage (tenant_id, user_id, day, messages, input_tokens, output_tokens, cost_usd)
     select tenant_id, ?, day, messages, input_tokens, output_tokens, cost_usd from gone
     on conflict (tenant_id, user_id, day) do update set
       messages = usage.messages + excluded.messages,
       input_tokens = usage.input_tokens + excluded.input_tokens,
       output_tokens = usage.output_tokens + excluded.output_tokens,
       cost_usd = usage.cost_usd + excluded.cost_usd`,
    [tenantId, fromUserId, toUserId],
  );
  if (usage.rowCount) moved.usage = usage.rowCount;
  // Preferences are one row per user: the identified user's own win.
  const hasPrefs = await tenant.user(toUserId).rows('preferences').first('user_id');
  if (hasPrefs) await tenant.user(fromUserId).rows('preferences').delete();
  else {
    const n = await tenant.user(fromUserId).rows('preferences').update({ user_id: toUserId });
    if (n) moved.preferences = n;
  }

  const revokedFamilies = await markUserSessionsRevoked(trx, tenantId, fromUserId);
  await tenant
    .rows('users')
    .where({ id: fromUserId })
    .update({ merged_into: toUserId, updated_at: trx.fn.now() });
  return { merged: true, moved, revokedFamilies };
}

/** After the merge committed: the visitor's old sessions die on every instance. */
export async function publishMerge(
  services: { revocations: Pick<SessionRevocations, 'revoke'> },
  visitor: UserAuth | null,
  merge: MergeResult | null,
): Promise<void> {
  if (!visitor || !merge?.merged) return;
  await services.revocations.revoke({
    tenantId: visitor.tenantId,
    userId: visitor.userId,
    familyIds: merge.revokedFamilies,
    reason: 'merged',
  });
}
