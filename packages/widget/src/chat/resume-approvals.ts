import type { Message, ParleyClient } from '@parley/sdk';
import type { ChatItem } from './chat-state.js';
import { loadThread } from './load-thread.js';
import { applyToolEvent } from './tool-rows.js';

/** Key of the placeholder answer of a turn paused on the server (e.g. asked before a reload). */
export const PAUSED_KEY = 'paused-turn';

/**
 * The paused turn's answer item with an Approve/Deny row per waiting call,
 * or null when nothing waits.
 */
export async function pausedTurnItem(
  client: ParleyClient,
  conversationId: string,
  offline: boolean,
): Promise<ChatItem | null> {
  const pending = await client.tools.pendingApprovals(conversationId);
  if (!pending.length) return null;
  const tools = pending.reduce(
    (rows, p) =>
      applyToolEvent(rows, {
        type: 'tool.approval_requested',
        seq: 0,
        conversationId,
        responseId: PAUSED_KEY,
        toolCallId: p.toolCallId,
        name: p.name,
        args: p.args,
      }),
    [] as NonNullable<ChatItem['tools']>,
  );
  return { key: PAUSED_KEY, role: 'assistant', text: '', status: 'streaming', offline, tools };
}

export type Resumed = { messages: Message[]; paused: ChatItem | null };

/**
 * After answering a paused turn that no stream of ours carries, polls the
 * thread (bounded) until the answer is stored or the turn asks again.
 * Null when it did neither in time: the next history load shows it.
 */
export async function waitForPausedTurn(
  client: ParleyClient,
  conversationId: string,
  offline: boolean,
  delayMs: number,
  attempts = 20,
): Promise<Resumed | null> {
  for (let i = 0; i < attempts; i++) {
    await new Promise((r) => setTimeout(r, delayMs));
    const messages = await loadThread(client, conversationId);
    if (messages[messages.length - 1]?.role === 'assistant') return { messages, paused: null };
    const paused = await pausedTurnItem(client, conversationId, offline);
    if (paused) return { messages, paused };
  }
  return null;
}
