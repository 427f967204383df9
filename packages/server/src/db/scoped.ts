import type { Knex } from 'knex';
import { notFound } from '../errors/domain-error.js';
import { isUuid } from '../util/uuid.js';

/** Whose data a query may touch: an end user of one tenant. */
export interface Owner {
  tenantId: string;
  userId: string;
}

type Row = Record<string, unknown>;

/**
 * The one place end-user data is reached from a request: every query starts
 * filtered by tenant and user, and every insert is stamped with both, so a
 * handler cannot forget the `where`. Works on a transaction too
 * (`scope(trx, owner)`). Tenant-level data goes through `tenantScope`.
 */
export class UserScope {
  constructor(
    readonly db: Knex | Knex.Transaction,
    readonly owner: Owner,
  ) {}

  /** This user's rows of a table that has `tenant_id` and `user_id`. */
  rows(table: string): Knex.QueryBuilder {
    return this.db(table)
      .where(`${table}.tenant_id`, this.owner.tenantId)
      .andWhere(`${table}.user_id`, this.owner.userId);
  }

  /** Inserts rows owned by this user, whatever owner fields the caller passed. */
  insert(table: string, rows: Row | Row[]): Knex.QueryBuilder {
    const stamp = (r: Row) => ({
      ...r,
      tenant_id: this.owner.tenantId,
      user_id: this.owner.userId,
    });
    return this.db(table).insert(Array.isArray(rows) ? rows.map(stamp) : stamp(rows));
  }

  conversations(): Knex.QueryBuilder {
    return this.rows('conversations');
  }

  /** Messages of this user, of one conversation when given. */
  messages(conversationId?: string): Knex.QueryBuilder {
    const q = this.rows('messages');
    return conversationId ? q.where('messages.conversation_id', conversationId) : q;
  }

  memories(): Knex.QueryBuilder {
    return this.rows('memories');
  }

  /** One of this user's conversations, or null (also for ids that are not UUIDs). */
  async findConversation(id: string, columns: string[] = ['*']): Promise<Row | null> {
    if (!isUuid(id)) return null;
    return (await this.conversations().where('conversations.id', id).first(columns)) ?? null;
  }

  /** Like findConversation, but someone else's conversation is a 404, as is a missing one. */
  async conversation(id: string, columns: string[] = ['*']): Promise<Row> {
    const row = await this.findConversation(id, columns);
    if (!row) throw notFound('Conversation');
    return row;
  }
}

/** Tenant-owned data that is not one user's (keys, tool config, tenant-wide listings). */
export class TenantScope {
  constructor(
    readonly db: Knex | Knex.Transaction,
    readonly tenantId: string,
  ) {}

  rows(table: string): Knex.QueryBuilder {
    return this.db(table).where(`${table}.tenant_id`, this.tenantId);
  }

  insert(table: string, rows: Row | Row[]): Knex.QueryBuilder {
    const stamp = (r: Row) => ({ ...r, tenant_id: this.tenantId });
    return this.db(table).insert(Array.isArray(rows) ? rows.map(stamp) : stamp(rows));
  }

  /** A user of this tenant: the way into their data. */
  user(userId: string): UserScope {
    return new UserScope(this.db, { tenantId: this.tenantId, userId });
  }

  /**
   * Runs `fn` in a transaction with PostgreSQL row-level security set to this
   * tenant (`parley.tenant_id`, transaction-local): the second wall for
   * multi-statement work off the hot path (see the RLS migration).
   */
  async transaction<T>(fn: (trx: Knex.Transaction, scope: TenantScope) => Promise<T>): Promise<T> {
    const run = async (trx: Knex.Transaction) => {
      await trx.raw(`select set_config('parley.tenant_id', ?, true)`, [this.tenantId]);
      return fn(trx, new TenantScope(trx, this.tenantId));
    };
    return this.db.isTransaction ? run(this.db as Knex.Transaction) : this.db.transaction(run);
  }
}

type Db = Knex | Knex.Transaction | { knex: Knex };
const unwrap = (db: Db): Knex | Knex.Transaction => (typeof db === 'function' ? db : db.knex);

/** `scope(knex, owner)`: the owner's own data and nothing else. Stores build on this. */
export function scope(db: Db, owner: Owner): UserScope {
  return new UserScope(unwrap(db), owner);
}

export function tenantScope(db: Db, tenantId: string): TenantScope {
  return new TenantScope(unwrap(db), tenantId);
}
