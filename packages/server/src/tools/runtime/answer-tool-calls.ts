import type { AppServices } from '../../app-services.js';
import { deliverAnswer } from './pending-answers.js';
import type { ClientToolAnswer } from './run-tool-calls.js';

/**
 * The two ways a user answers a paused tool call, for every transport:
 * REST (routes/tool-answers.ts) and WebSocket (`tool.approval` /
 * `tool.result` frames). Each resolves false when this user has no such
 * pending call (unknown id, already answered, timed out, another user's,
 * or not in `conversationId` when given): answer that with not_found.
 * The waiting turn may run on another instance; the answer reaches it.
 */
export function answerToolApproval(
  services: Pick<AppServices, 'infra'>,
  user: { tenantId: string; userId: string },
  toolCallId: string,
  approved: boolean,
  conversationId?: string,
): Promise<boolean> {
  return deliverAnswer(services.infra, { ...user, conversationId }, 'approval', toolCallId, {
    approved,
  });
}

export function submitClientToolResult(
  services: Pick<AppServices, 'infra'>,
  user: { tenantId: string; userId: string },
  toolCallId: string,
  answer: ClientToolAnswer,
  conversationId?: string,
): Promise<boolean> {
  const value: ClientToolAnswer =
    answer.error !== undefined
      ? { error: String(answer.error) }
      : { result: answer.result ?? null };
  return deliverAnswer(services.infra, { ...user, conversationId }, 'client', toolCallId, value);
}
