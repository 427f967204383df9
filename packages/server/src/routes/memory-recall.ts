import type { Owner } from '../db/scoped.js';
import type { AnyRoute } from '../http/routing/route.js';
import { defineRoute } from '../http/routing/route.js';
import { authErrors, invalidError, uuidSchema } from '../http/schemas/common.js';
import { recallExample, recallResultSchema } from '../http/schemas/recall.js';
import type { RecallResult } from '../memory/recall.js';
import { recalledEventFields } from '../memory/recall/recalled-event.js';

const recallQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['q'],
  properties: {
    q: { type: 'string', minLength: 1, maxLength: 4000, pattern: '\\S' },
    /** Ask as if in this conversation: its own messages are history, not recall. */
    conversationId: uuidSchema,
  },
};

/**
 * What a turn would recall for `q`, through the very function the turn
 * calls (memory/turn-memory.ts `recallForQuery`): memories and past
 * passages, each with its source, score and retriever.
 */
export function memoryRecallRoutes(deps: {
  recall: (owner: Owner, text: string, conversationId: string | null) => Promise<RecallResult>;
}): AnyRoute[] {
  return [
    defineRoute<undefined, { q: string; conversationId?: string }>({
      method: 'GET',
      path: '/v1/memories/recall',
      auth: 'user',
      summary: 'What a message would recall: memories and earlier messages, as the turn gets them',
      tags: ['memories'],
      query: recallQuery,
      responses: {
        200: {
          description: 'The recall of a turn for this text',
          schema: recallResultSchema,
          example: recallExample,
        },
        ...invalidError,
        ...authErrors,
      },
      async handler(ctx, { query }) {
        const user = ctx.state.user as Owner;
        const owner = { tenantId: user.tenantId, userId: user.userId };
        const result = await deps.recall(owner, query.q, query.conversationId ?? null);
        ctx.body = { ...recalledEventFields(result), degraded: result.degraded };
      },
    }),
  ];
}
