import Router from '@koa/router';
import type { AppServices } from '../app-services.js';
import { requireUser } from '../auth/middleware.js';
import { invalid, notFound } from '../errors/domain-error.js';
import { parseBody } from '../http/validate.js';
import { answerToolApproval, submitClientToolResult } from '../tools/runtime/answer-tool-calls.js';
import { listPending } from '../tools/runtime/pending-answers.js';
import { scope } from '../db/scoped.js';

const approvalSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['toolCallId', 'approved'],
  properties: {
    toolCallId: { type: 'string', minLength: 1, maxLength: 200 },
    approved: { type: 'boolean' },
  },
};
const resultSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['toolCallId'],
  properties: {
    toolCallId: { type: 'string', minLength: 1, maxLength: 200 },
    result: {},
    error: { type: 'string', minLength: 1, maxLength: 4000 },
  },
};

/**
 * Answers to a paused turn: a user's approval of a `needsApproval` tool,
 * and the result of a client-side tool (`tool.call`). Only the owner of the
 * conversation can answer, and only a call that is still waiting (404 else).
 */
export function toolAnswerRoutes(services: AppServices): Router {
  const router = new Router({ prefix: '/v1/conversations/:id' });
  router.use(requireUser(services));

  router.post('/tool-approvals', async (ctx) => {
    const body = parseBody<{ toolCallId: string; approved: boolean }>(
      approvalSchema,
      ctx.request.body,
    );
    const user = ctx.state.user!;
    const conv = await scope(services, user).conversation(ctx.params.id!);
    const ok = await answerToolApproval(
      services,
      user,
      body.toolCallId,
      body.approved,
      conv.id as string,
    );
    if (!ok) throw notFound('Pending tool approval');
    ctx.body = { toolCallId: body.toolCallId, approved: body.approved };
  });

  // What a reloaded page asks again: the approvals its paused turn still waits for.
  router.get('/pending-approvals', async (ctx) => {
    const user = ctx.state.user!;
    const conv = await scope(services, user).conversation(ctx.params.id!);
    const calls = await listPending(
      services.infra,
      { tenantId: user.tenantId, userId: user.userId, conversationId: conv.id as string },
      'approval',
    );
    ctx.body = {
      data: calls.map((c) => ({
        toolCallId: c.toolCallId,
        name: c.name,
        args: c.args ?? {},
        requestedAt: c.requestedAt ?? null,
      })),
    };
  });

  router.post('/tool-results', async (ctx) => {
    const body = parseBody<{ toolCallId: string; result?: unknown; error?: string }>(
      resultSchema,
      ctx.request.body,
    );
    if ('result' in body === (body.error !== undefined)) {
      throw invalid('Send exactly one of result or error', [
        { path: '/', message: 'needs exactly one of result, error' },
      ]);
    }
    const user = ctx.state.user!;
    const conv = await scope(services, user).conversation(ctx.params.id!);
    const ok = await submitClientToolResult(
      services,
      user,
      body.toolCallId,
      body,
      conv.id as string,
    );
    if (!ok) throw notFound('Pending client tool call');
    ctx.body = { toolCallId: body.toolCallId, accepted: true };
  });

  return router;
}
