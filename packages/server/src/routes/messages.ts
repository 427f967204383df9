import type { AppServices } from '../app-services.js';
import type { AnyRoute } from '../http/routing/route.js';
import { defineRoute } from '../http/routing/route.js';
import { authErrors, errorEnvelope, invalidError, notFoundError } from '../http/schemas/common.js';
import { messageSchema } from '../http/schemas/conversation.js';
import { CollectingSink } from '../agent/event-sink.js';
import { prepareTurn, streamTurn } from '../agent/run-turn.js';
import { SseWriter } from '../agent/sse-writer.js';
import { DomainError } from '../errors/domain-error.js';
import { abortOnDisconnect } from '../tools/runtime/awaiting-human.js';
import type { ClientToolSpec } from '../tools/tool-service.js';

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

export function messageRoutes(services: AppServices): AnyRoute[] {
  return [
    defineRoute<SendBody, undefined, { id: string }>({
      method: 'POST',
      path: '/v1/conversations/:id/messages',
      auth: 'user',
      resource: 'Conversation',
      // Checked with the quotas by prepareTurn, in one Redis call.
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
        const turn = await prepareTurn(services, {
          tenantId: user.tenantId,
          userId: user.userId,
          conversationId: params.id,
          content: body.content,
          clientMessageId: body.clientMessageId ?? null,
          clientTools: body.clientTools,
        });
        ctx.set(turn.limitHeaders ?? {});
        const controller = services.activeTurns.start(turn.input.conversationId);
        try {
          if (ctx.accepts('application/json', 'text/event-stream') === 'text/event-stream') {
            ctx.respond = false;
            const writer = new SseWriter(ctx.res);
            // Only a dropped connection cancels; a finished response closes normally.
            // A turn waiting for a person's approval keeps going (awaiting-human.ts).
            ctx.res.on('close', () => {
              if (!ctx.res.writableFinished) abortOnDisconnect(controller);
            });
            writer.open({ 'x-request-id': ctx.state.requestId });
            try {
              await streamTurn(services, turn, writer, controller.signal);
            } finally {
              writer.end();
            }
            return;
          }
          ctx.res.on('close', () => {
            if (!ctx.res.writableFinished) abortOnDisconnect(controller);
          });
          const sink = new CollectingSink();
          const outcome = await streamTurn(services, turn, sink, controller.signal);
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
        } finally {
          services.activeTurns.finish(turn.input.conversationId, controller);
        }
      },
    }),
  ];
}
