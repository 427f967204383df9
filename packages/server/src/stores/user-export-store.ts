import type { Message, UserExport } from '@parley/sdk/protocol';
import type { Knex } from 'knex';
import type { Owner } from '../db/scoped.js';
import { scope, tenantScope } from '../db/scoped.js';
import { notFound } from '../errors/domain-error.js';
import { toConversation, toMessage } from '../http/dto.js';
import { MEMORY_COLUMNS, toMemory } from '../memory/memory-dto.js';
import { toIsoOrNull } from './to-iso.js';

type Row = Record<string, unknown>;

const MESSAGE_COLUMNS = [
  'id',
  'conversation_id',
  'role',
  'content',
  'status',
  'seq',
  'created_at',
  'client_message_id',
  'provider',
  'model',
  'offline',
  'input_tokens',
  'output_tokens',
];

/**
 * One user's data in one document. Embedding vectors are derived data and
 * are left out; memory history (superseded and forgotten versions) is in.
 */
export async function exportUser(knex: Knex, owner: Owner, now: Date): Promise<UserExport> {
  const own = scope(knex, owner);
  const [user, preferences, conversations, messages, memories] = await Promise.all([
    tenantScope(knex, owner.tenantId)
      .rows('users')
      .where({ id: owner.userId })
      .first('id', 'external_id', 'anonymous', 'name', 'email', 'traits', 'created_at'),
    own.rows('preferences').first('timezone', 'locale', 'data', 'updated_at'),
    own.conversations().orderBy('created_at', 'asc'),
    own
      .messages()
      .orderBy([{ column: 'conversation_id' }, { column: 'seq' }])
      .select(MESSAGE_COLUMNS),
    own
      .memories()
      .orderBy('created_at', 'asc')
      .select([...MEMORY_COLUMNS, 'invalidated_at', 'superseded_by']),
  ]);
  if (!user) throw notFound('User');
  const byConversation = new Map<string, Message[]>();
  for (const m of messages as Row[]) {
    const id = m.conversation_id as string;
    const list = byConversation.get(id) ?? [];
    if (list.length === 0) byConversation.set(id, list);
    list.push(toMessage(m));
  }
  return {
    exportedAt: now.toISOString(),
    user: {
      id: user.id,
      externalId: user.external_id ?? null,
      anonymous: Boolean(user.anonymous),
      name: user.name ?? null,
      email: user.email ?? null,
      traits: user.traits ?? {},
      createdAt: toIsoOrNull(user.created_at),
    },
    preferences: preferences
      ? {
          timezone: preferences.timezone ?? null,
          locale: preferences.locale ?? null,
          data: preferences.data ?? {},
          updatedAt: toIsoOrNull(preferences.updated_at),
        }
      : null,
    conversations: (conversations as Row[]).map((c) => ({
      ...toConversation(c),
      messages: byConversation.get(c.id as string) ?? [],
    })),
    memories: (memories as Row[]).map((m) => ({
      ...toMemory(m),
      invalidatedAt: toIsoOrNull(m.invalidated_at as string | null),
      supersededBy: (m.superseded_by as string | null) ?? null,
    })),
  };
}
