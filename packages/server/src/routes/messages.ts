import type { ServerResponse } from 'node:http';
import { DomainError } from '../errors/domain-error.js';
import type { AnyRoute } from '../http/routing/route.js';
import { defineRoute } from '../http/routing/route.js';
import { authErrors, errorEnvelope, invalidError, notFoundError } from '../http/schemas/common.js';
import { messageSchema } from '../http/schemas/conversation.js';
import { SseWriter } from '../http/sse-writer.js';
import type { ClientToolSpec } from '../tools/tool-service.js';
import type { RunningTurn } from '../turns/running-turn.js';
import type { TurnRunner } from '../turns/turn-runner.js';

export const sendMessageSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['content'],
  properties: {
    content: { type: 'string', minLength: 1, maxLength: 32_000, pattern: '\\S' },
    clientMessageId: { type: 'string', minLength: 1, maxLength: 100 },
    // Tools the client runs itself (tool.call → POST …/tool-results); see tools/tool-service.ts.
    clientTools: {
      type: 'array',
      maxItems: 20,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'description', 'parameters'],
        properties: {
          name: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
          description: { type: 'string', minLength: 1, maxLength: 2000 },
          parameters: { type: 'object' },
        },
      },
    },
  },
};

interface SendBody {
  content: string;
  clientMessageId?: string;
  clientTools?: ClientToolSpec[];
}

/**
 * `POST /v1/conversations/:id/messages`: a thin adapter over the turn
 * runner. Refusals (limits, not found, busy, duplicate) are statuses; after
 * that the turn's events stream as SSE, or the JSON result comes at the end.
 */
export function messageRoutes(deps: { turns: TurnRunner }): AnyRoute[] {
  return [
    defineRoute<SendBody, undefined, { id: string }>({
      method: 'POST',
      path: '/v1/conversations/:id/messages',
      auth: 'user',
      resource: 'Conversation',
      // Checked with the quotas by the turn runner, in one Redis call.
      rateLimit: 'handler',
      summary: 'Send a message and get the answer, streamed with Accept: text/event-stream',
      tags: ['conversations'],
      body: sendMessageSchema,
      responses: {
        200: {
          description: 'Protocol events (message.created … response.completed | response.failed)',
          contentType: 'text/event-stream',
        },
        201: {
          description: 'The stored user message and answer',
          schema: {
            type: 'object',
            required: ['message', 'response', 'error'],
            properties: { message: messageSchema, response: {}, error: {} },
          },
        },
        409: { description: 'A response is already being generated', schema: errorEnvelope },
        ...invalidError,
        ...notFoundError,
        ...authErrors,
      },
      async handler(ctx, { body, params }) {
        const user = ctx.state.user!;
        const turn = await deps.turns.start({
          tenantId: user.tenantId,
          userId: user.userId,
          conversationId: params.id,
          content: body.content,
          clientMessageId: body.clientMessageId ?? null,
          clientTools: body.clientTools,
        });
        ctx.set(turn.limitHeaders);
        // Only a dropped connection counts: a finished response closes normally.
        ctx.res.on('close', () => {
          if (!ctx.res.writableFinished) turn.clientGone();
        });
        if (ctx.accepts('application/json', 'text/event-stream') === 'text/event-stream') {
          ctx.respond = false;
          await streamSse(turn, ctx.res);
          return;
        }
        const outcome = await turn.done;
        if (outcome.error && !outcome.response) {
          throw new DomainError(outcome.error.code, outcome.error.message, {
            message: outcome.userMessage,
          });
        }
        ctx.status = 201;
        ctx.body = {
          message: outcome.userMessage,
          response: outcome.response,
          error: outcome.error,
        };
      },
    }),
  ];
}

/** Headers set on the context so far (request id, CORS, limits) are already on `res`. */
async function streamSse(turn: RunningTurn, res: ServerResponse): Promise<void> {
  const writer = new SseWriter(res);
  writer.open();
  const unsubscribe = turn.events.subscribe(writer);
  try {
    await turn.done;
  } finally {
    unsubscribe();
    writer.end();
  }
}
