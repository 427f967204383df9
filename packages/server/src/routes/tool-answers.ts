import type { Owner } from '../db/scoped.js';
import { invalid, notFound } from '../errors/domain-error.js';
import type { AnyRoute } from '../http/routing/route.js';
import { defineRoute } from '../http/routing/route.js';
import {
  authErrors,
  invalidError,
  isoDate,
  notFoundError,
  nullable,
} from '../http/schemas/common.js';
import { EXAMPLE } from '../http/schemas/examples.js';
import type { Infra } from '../infra/index.js';
import type { ConversationStore } from '../stores/conversation-store.js';
import { answerToolApproval, submitClientToolResult } from '../tools/runtime/answer-tool-calls.js';
import { listPending } from '../tools/runtime/pending-answers.js';

const toolCallId = { type: 'string', minLength: 1, maxLength: 200 };
const approvalBody = {
  type: 'object',
  additionalProperties: false,
  required: ['toolCallId', 'approved'],
  properties: { toolCallId, approved: { type: 'boolean' } },
};
const resultBody = {
  type: 'object',
  additionalProperties: false,
  required: ['toolCallId'],
  properties: {
    toolCallId,
    result: {},
    error: { type: 'string', minLength: 1, maxLength: 4000 },
  },
};
const pendingSchema = {
  type: 'object',
  required: ['data'],
  properties: {
    data: {
      type: 'array',
      items: {
        type: 'object',
        required: ['toolCallId', 'name', 'args', 'requestedAt'],
        properties: {
          toolCallId,
          name: { type: 'string' },
          args: {},
          requestedAt: nullable(isoDate),
        },
      },
    },
  },
};

const tags = ['tools'];
const base = '/v1/conversations/:id';
const waiting = {
  ...notFoundError,
  404: {
    ...notFoundError[404],
    description: 'No such conversation of yours, or no such call waiting',
  },
};

/**
 * Answers to a paused turn: a user's approval of a `needsApproval` tool,
 * and the result of a client-side tool (`tool.call`). Only the owner of the
 * conversation can answer, and only a call that is still waiting (404 else).
 */
export function toolAnswerRoutes(deps: {
  conversations(owner: Owner): ConversationStore;
  /** Where waiting calls are registered and answers travel (any instance may hold the turn). */
  infra: Infra;
}): AnyRoute[] {
  /** The conversation, if it is the caller's: 404 otherwise, before anything is answered. */
  const own = async (user: Owner, id: string) => (await deps.conversations(user).get(id)).id;
  return [
    defineRoute<{ toolCallId: string; approved: boolean }, undefined, { id: string }>({
      method: 'POST',
      path: `${base}/tool-approvals`,
      auth: 'user',
      resource: 'Conversation',
      summary: 'Approve or deny a tool call the turn is waiting on',
      tags,
      body: approvalBody,
      responses: {
        200: {
          description: 'The answer reached the waiting turn',
          schema: {
            type: 'object',
            required: ['toolCallId', 'approved'],
            properties: { toolCallId, approved: { type: 'boolean' } },
          },
          example: { toolCallId: 'call_8f2b1c', approved: true },
        },
        ...invalidError,
        ...waiting,
        ...authErrors,
      },
      async handler(ctx, { body, params }) {
        const user = ctx.state.user!;
        const conversationId = await own(user, params.id);
        const ok = await answerToolApproval(
          deps,
          user,
          body.toolCallId,
          body.approved,
          conversationId,
        );
        if (!ok) throw notFound('Pending tool approval');
        ctx.body = { toolCallId: body.toolCallId, approved: body.approved };
      },
    }),
    defineRoute<undefined, undefined, { id: string }>({
      method: 'GET',
      path: `${base}/pending-approvals`,
      auth: 'user',
      resource: 'Conversation',
      // What a reloaded page asks again: the approvals its paused turn still waits for.
      summary: 'Tool calls of this conversation still waiting for approval',
      tags,
      responses: {
        200: {
          description: 'Waiting calls, oldest first',
          schema: pendingSchema,
          example: {
            data: [
              {
                toolCallId: 'call_8f2b1c',
                name: 'refund_order',
                args: { orderNumber: 'A-1042' },
                requestedAt: EXAMPLE.updatedAt,
              },
            ],
          },
        },
        ...notFoundError,
        ...authErrors,
      },
      async handler(ctx, { params }) {
        const user = ctx.state.user!;
        const conversationId = await own(user, params.id);
        const scope = { tenantId: user.tenantId, userId: user.userId, conversationId };
        const calls = await listPending(deps.infra, scope, 'approval');
        ctx.body = {
          data: calls.map((c) => ({
            toolCallId: c.toolCallId,
            name: c.name,
            args: c.args ?? {},
            requestedAt: c.requestedAt ?? null,
          })),
        };
      },
    }),
    defineRoute<
      { toolCallId: string; result?: unknown; error?: string },
      undefined,
      { id: string }
    >({
      method: 'POST',
      path: `${base}/tool-results`,
      auth: 'user',
      resource: 'Conversation',
      summary: 'The result (or error) of a client-side tool call (`tool.call`)',
      tags,
      body: resultBody,
      responses: {
        200: {
          description: 'The result reached the waiting turn',
          schema: {
            type: 'object',
            required: ['toolCallId', 'accepted'],
            properties: { toolCallId, accepted: { const: true } },
          },
          example: { toolCallId: 'call_3d9e7a', accepted: true },
        },
        ...invalidError,
        ...waiting,
        ...authErrors,
      },
      async handler(ctx, { body, params }) {
        if ('result' in body === (body.error !== undefined)) {
          throw invalid('Send exactly one of result or error', [
            { path: '/', message: 'needs exactly one of result, error' },
          ]);
        }
        const user = ctx.state.user!;
        const conversationId = await own(user, params.id);
        const ok = await submitClientToolResult(deps, user, body.toolCallId, body, conversationId);
        if (!ok) throw notFound('Pending client tool call');
        ctx.body = { toolCallId: body.toolCallId, accepted: true };
      },
    }),
  ];
}
