import type { ServerResponse } from 'node:http';
import { DomainError } from '../errors/domain-error.js';
import type { AnyRoute } from '../http/routing/route.js';
import { defineRoute } from '../http/routing/route.js';
import { authErrors, errorEnvelope, invalidError, notFoundError } from '../http/schemas/common.js';
import {
  eventStreamExample,
  eventStreamSchema,
  messageExample,
  messageSchema,
} from '../http/schemas/conversation.js';
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
          schema: eventStreamSchema,
          example: eventStreamExample,
        },
        201: {
          description: 'The stored user message and answer',
          schema: {
            type: 'object',
            required: ['message', 'response', 'error'],
            properties: { message: messageSchema, response: {}, error: {} },
          },
          example: {
            message: {
              ...messageExample,
              role: 'user',
              content: 'When will my order arrive?',
              seq: 3,
              provider: undefined,
              model: undefined,
              offline: undefined,
              usage: undefined,
            },
            response: messageExample,
            error: null,
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
        if (ctx.accepts('application/json', 'text/event-stream') === 'text/event-stream') {
          ctx.respond = false;
          await streamSse(turn, ctx.res);
          return;
        }
        // Only a dropped connection counts: a finished response closes normally.
        ctx.res.on('close', () => {
          if (!ctx.res.writableFinished) turn.clientGone();
        });
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
interface StreamQuery {
  afterSeq?: number;
}

const streamQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { afterSeq: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } },
};

/**
 * Resume and follow: `GET …/stream?afterSeq=N` (or `Last-Event-ID: N`) sends
 * every event after N — stored ones, then the running turn's live ones from
 * whichever instance runs it — and ends after that turn's last event.
 * `POST …/cancel` stops the running turn wherever it runs.
 */
export function streamRoutes(deps: { turns: TurnRunner }): AnyRoute[] {
  return [
    defineRoute<undefined, StreamQuery, { id: string }>({
      method: 'GET',
      path: '/v1/conversations/:id/stream',
      auth: 'user',
      resource: 'Conversation',
      summary: 'Resume: the events after afterSeq (or Last-Event-ID), then the live turn',
      tags: ['conversations'],
      query: streamQuery,
      responses: {
        200: {
          description: 'Protocol events, in seq order',
          contentType: 'text/event-stream',
          schema: eventStreamSchema,
          example: eventStreamExample,
        },
        ...invalidError,
        ...notFoundError,
        ...authErrors,
      },
      async handler(ctx, { query, params }) {
        const user = ctx.state.user!;
        const afterSeq = query.afterSeq ?? lastEventId(ctx.get('last-event-id'));
        const writer = new SseWriter(ctx.res, deps.turns.clock);
        const following = await deps.turns.follow(user, params.id, afterSeq, writer);
        ctx.respond = false;
        writer.open();
        ctx.res.on('close', () => void following.stop());
        try {
          await following.done;
        } finally {
          await following.stop();
          writer.end();
        }
      },
    }),
    defineRoute<undefined, undefined, { id: string }>({
      method: 'POST',
      path: '/v1/conversations/:id/cancel',
      auth: 'user',
      resource: 'Conversation',
      summary: 'Stop the running answer (kept as incomplete), on whichever instance runs it',
      tags: ['conversations'],
      responses: {
        200: {
          description: 'Whether a turn was running',
          schema: {
            type: 'object',
            required: ['cancelled'],
            properties: { cancelled: { type: 'boolean' } },
          },
          example: { cancelled: true },
        },
        ...notFoundError,
        ...authErrors,
      },
      async handler(ctx, { params }) {
        ctx.body = { cancelled: await deps.turns.cancel(ctx.state.user!, params.id) };
      },
    }),
  ];
}

/** `Last-Event-ID` is the seq of the last event the client saw; anything else means from 0. */
function lastEventId(header: string): number {
  const n = Number(header);
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

async function streamSse(turn: RunningTurn, res: ServerResponse): Promise<void> {
  const writer = new SseWriter(res, turn.clock);
  writer.open();
  const unsubscribe = turn.events.subscribe(writer);
  // A dropped connection cancels; a reader cut off for falling behind does not (it resumes).
  res.on('close', () => {
    if (!res.writableFinished && !writer.overflowed) turn.clientGone(writer);
  });
  try {
    await turn.done;
  } finally {
    unsubscribe();
    writer.end();
  }
}
