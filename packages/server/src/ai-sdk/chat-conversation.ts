import { createHash } from 'node:crypto';
import type { Owner } from '../db/scoped.js';
import { notFound } from '../errors/domain-error.js';
import type { ConversationStore } from '../stores/conversation-store.js';
import { isUuid } from '../util/uuid.js';

/**
 * `useChat` makes up its own chat ids (`generateId()`, not UUIDs). Each one
 * names a conversation derived from the owner and the id, so the same chat id
 * of two users (or tenants) can never meet, and no table maps them.
 */
export function derivedConversationId(owner: Owner, chatId: string): string {
  const h = createHash('sha256')
    .update(`parley.ai-sdk-chat\0${owner.tenantId}\0${owner.userId}\0${chatId}`)
    .digest();
  h[6] = (h[6]! & 0x0f) | 0x80; // version 8: custom (RFC 9562)
  h[8] = (h[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/**
 * The conversation a chat id names: the caller's own conversation when the
 * id is one (a chat opened on a Parley conversation), else the derived one —
 * created on the first message (`create`; `created` says it was), a 404 before that.
 */
export async function conversationForChat(
  store: ConversationStore,
  owner: Owner,
  chatId: string,
  mode: 'create' | 'existing',
): Promise<{ id: string; created: boolean }> {
  if (isUuid(chatId) && (await store.exists(chatId))) return { id: chatId, created: false };
  const id = derivedConversationId(owner, chatId);
  const found = mode === 'create' ? await store.ensure(id) : await store.exists(id);
  if (!found) throw notFound('Chat');
  return { id, created: found === 'created' };
}
