import type { Context } from 'koa';
import { conversationForChat } from '../ai-sdk/chat-conversation.js';
import type { ApprovalAnswer, ChatRequest } from '../ai-sdk/chat-request.js';
import { chatRequestSchema, readChatRequest } from '../ai-sdk/chat-request.js';
import { UI_MESSAGE_STREAM_HEADERS } from '../ai-sdk/ui-message-chunks.js';
import { uiMessageStreamExample, uiMessageStreamSchema } from '../ai-sdk/ui-message-example.js';
import { UiMessageSink } from '../ai-sdk/ui-message-sink.js';
import type { Owner } from '../db/scoped.js';
import { notFound } from '../errors/domain-error.js';
import type { AnyRoute } from '../http/routing/route.js';
import { defineRoute } from '../http/routing/route.js';
import { authErrors, errorEnvelope, invalidError, notFoundError } from '../http/schemas/common.js';
import { SseWriter } from '../http/sse-writer.js';
import type { Infra } from '../infra/index.js';
import type { ConversationStore } from '../stores/conversation-store.js';
import { answerToolApproval } from '../tools/runtime/answer-tool-calls.js';
import type { RunningTurn } from '../turns/running-turn.js';
import type { TurnRunner } from '../turns/turn-runner.js';

const streamResponse = {
  description: 'AI SDK UI message stream (x-vercel-ai-ui-message-stream: v1)',
  contentType: 'text/event-stream',
  schema: uiMessageStreamSchema,
  example: uiMessageStreamExample,
};

/**
 * The Vercel AI SDK's chat endpoint, so `useChat` / `DefaultChatTransport`
 * work unchanged: `POST /v1/ai-sdk/chat` sends the newest user message of
 * the chat (or the user's tool approvals) into the user's Parley
 * conversation and streams the answer as UI message chunks;
 * `GET /v1/ai-sdk/chat/:id/stream` is `resumeStream` (204: nothing running).
 * A thin adapter over the same turn runner as Parley's own stream.
 */
export function aiSdkChatRoutes(deps: {
  turns: TurnRunner;
  conversations(owner: Owner): ConversationStore;
  infra: Infra;
}): AnyRoute[] {
  return [
    defineRoute<ChatRequest>({
      method: 'POST',
      path: '/v1/ai-sdk/chat',
      auth: 'user',
      rateLimit: 'handler',
      summary: 'Vercel AI SDK useChat endpoint: send the newest message, stream UI message chunks',
      tags: ['ai-sdk'],
      body: chatRequestSchema,
      responses: {
        200: streamResponse,
        409: { description: 'A response is already being generated', schema: errorEnvelope },
        ...invalidError,
        ...notFoundError,
        ...authErrors,
      },
      async handler(ctx, { body }) {
        const user = ctx.state.user!;
        const owner = { tenantId: user.tenantId, userId: user.userId };
        const ask = readChatRequest(body);
        const store = deps.conversations(owner);
        if (ask.kind === 'approvals') {
          const { id: conversationId } = await conversationForChat(
            store,
            owner,
            body.id,
            'existing',
          );
          for (const a of ask.answers) {
            if (!(await answerToolApproval(deps, owner, a.toolCallId, a.approved, conversationId)))
              throw notFound('Pending tool approval');
          }
          return follow(ctx, deps.turns, owner, conversationId, ask.afterSeq, ask.answers);
        }
        const chat = await conversationForChat(store, owner, body.id, 'create');
        const turn = await deps.turns
          .start({
            ...owner,
            conversationId: chat.id,
            content: ask.content,
            clientMessageId: ask.clientMessageId,
          })
          .catch(async (err: unknown) => {
            // A refused first message (limits, quota) leaves no empty chat behind.
            if (chat.created) await store.remove(chat.id).catch(() => {});
            throw err;
          });
        ctx.set(turn.limitHeaders);
        await streamTurn(ctx, turn);
      },
    }),
    defineRoute<undefined, undefined, { id: string }>({
      method: 'GET',
      path: '/v1/ai-sdk/chat/:id/stream',
      auth: 'user',
      resource: 'Chat',
      params: { id: { type: 'string', minLength: 1, maxLength: 200 } },
      summary: 'Vercel AI SDK resumeStream: the running answer from its start, then live',
      tags: ['ai-sdk'],
      responses: {
        200: streamResponse,
        204: { description: 'No answer is running in this chat' },
        ...notFoundError,
        ...authErrors,
      },
      async handler(ctx, { params }) {
        const user = ctx.state.user!;
        const owner = { tenantId: user.tenantId, userId: user.userId };
        const store = deps.conversations(owner);
        const { id: conversationId } = await conversationForChat(
          store,
          owner,
          params.id,
          'existing',
        );
        const from = await deps.turns.runningAnswerFrom(owner, conversationId);
        if (from === null) {
          ctx.status = 204;
          return;
        }
        await follow(ctx, deps.turns, owner, conversationId, from);
      },
    }),
  ];
}

/** The turn this request started: a dropped connection is a cancel (after the resume grace). */
async function streamTurn(ctx: Context, turn: RunningTurn): Promise<void> {
  ctx.respond = false;
  const writer = new SseWriter(ctx.res, turn.clock);
  writer.open(UI_MESSAGE_STREAM_HEADERS);
  const sink = new UiMessageSink(writer, turn.conversationId);
  const unsubscribe = turn.events.subscribe(sink);
  ctx.res.on('close', () => {
    if (!ctx.res.writableFinished && !writer.overflowed && !sink.paused) turn.clientGone(sink);
  });
  try {
    await Promise.race([turn.done, sink.over]);
  } finally {
    unsubscribe();
    sink.close();
  }
}

/** Someone else's answer stream (resume, or the rest after approvals): closing it cancels nothing. */
async function follow(
  ctx: Context,
  turns: TurnRunner,
  owner: Owner,
  conversationId: string,
  afterSeq: number,
  answered: readonly ApprovalAnswer[] = [],
): Promise<void> {
  const writer = new SseWriter(ctx.res, turns.clock);
  const sink = new UiMessageSink(writer, conversationId, answered);
  const following = await turns.follow(owner, conversationId, afterSeq, sink);
  ctx.respond = false;
  writer.open(UI_MESSAGE_STREAM_HEADERS);
  ctx.res.on('close', () => void following.stop());
  try {
    await Promise.race([following.done, sink.over]);
  } finally {
    await following.stop();
    sink.close();
  }
}
