import type { Conversation, EndUser, Message } from '@parley/sdk/protocol';

/**
 * Database rows → wire resources shared by several modules (conversations,
 * messages, end users). A resource only one store returns is mapped beside
 * that store (stores/*).
 */

type Row = Record<string, unknown>;

const iso = (v: unknown): string =>
  v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();

/** Any users row: a plain one or a `User` model. */
export function toEndUser(user: object): EndUser {
  const row = user as Row;
  return {
    id: row.id as string,
    externalId: (row.external_id as string | null) ?? null,
    anonymous: Boolean(row.anonymous),
    name: (row.name as string | null) ?? null,
    email: (row.email as string | null) ?? null,
  };
}

export function toConversation(row: Row): Conversation {
  return {
    id: row.id as string,
    title: (row.title as string | null) ?? null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    lastSeq: Number(row.last_seq),
  };
}

export function toMessage(row: Row): Message {
  const msg: Message = {
    id: row.id as string,
    conversationId: row.conversation_id as string,
    role: row.role as Message['role'],
    content: row.content as string,
    status: row.status as Message['status'],
    seq: Number(row.seq),
    createdAt: iso(row.created_at),
    clientMessageId: (row.client_message_id as string | null) ?? null,
  };
  if (row.role === 'assistant') {
    msg.provider = (row.provider as string | null) ?? null;
    msg.model = (row.model as string | null) ?? null;
    msg.offline = Boolean(row.offline);
    msg.usage =
      row.input_tokens == null
        ? null
        : { inputTokens: Number(row.input_tokens), outputTokens: Number(row.output_tokens ?? 0) };
  }
  return msg;
}
