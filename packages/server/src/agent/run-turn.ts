import { randomUUID } from 'node:crypto';
import type { ErrorBody, Message, ParleyEvent } from '@parley/sdk/protocol';
import type { AppServices } from '../app-services.js';
import { scope } from '../db/scoped.js';
import { DomainError, notFound } from '../errors/domain-error.js';
import { checkTurnLimits, recordTurnUsage } from '../limits/turn-limits.js';
import type { ChatMessage } from '../providers/provider.js';
import type { CachedTenant } from '../tenants/tenant-cache.js';
import { DEFAULT_PERSONA } from '../tenants/settings.js';
import {
  enqueueExtraction,
  recallForTurn,
  recalledForEvent,
  systemPromptWithMemory,
} from '../memory/turn-memory.js';
import type { EventSink } from './event-sink.js';
import type { ClientToolSpec } from '../tools/tool-service.js';
import type { ToolSet } from '../tools/tool-set.js';
import type { EmitFn } from './generate.js';
import { generateWithTools } from './tool-loop.js';
import {
  advanceSeq,
  insertUserMessage,
  loadHistory,
  persistAssistantMessage,
} from './turn-store.js';

export interface TurnInput {
  tenantId: string;
  userId: string;
  conversationId: string;
  content: string;
  clientMessageId?: string | null;
  /** Tools the client (SDK/widget) runs itself, offered to the model for this message. */
  clientTools?: ClientToolSpec[];
}

/** A turn that passed every check and holds the conversation's lock. */
export interface PreparedTurn {
  input: TurnInput;
  tenant: CachedTenant;
  /** The tenant's enabled tools plus the client's, resolved before any byte is sent. */
  tools: ToolSet;
  lastSeq: number;
  release: () => Promise<void>;
  /** RateLimit-* headers of this turn's rate-limit check, for HTTP responses. */
  limitHeaders?: Record<string, string>;
}

export interface TurnOutcome {
  userMessage: Message;
  response: Message | null;
  error: ErrorBody | null;
}

const LOCK_TTL_MS = 10 * 60_000;

/**
 * Everything that can refuse a turn, done before any byte is streamed so the
 * client gets a proper HTTP status: ownership, one turn at a time.
 */
export async function prepareTurn(services: AppServices, input: TurnInput): Promise<PreparedTurn> {
  const lockKey = `turn-lock:${input.conversationId}`;
  const lockValue = randomUUID();
  const owned = scope(services, input);
  const [tenant, conversation, locked, limits] = await Promise.all([
    services.tenants.get(input.tenantId),
    owned.findConversation(input.conversationId, ['id', 'last_seq']),
    services.infra.kv.setIfAbsent(lockKey, lockValue, LOCK_TTL_MS),
    // limits: rate + quotas in one Redis call, before any provider call (429 otherwise).
    checkTurnLimits(services, input).then(
      (headers) => ({ headers, error: null }),
      (error: unknown) => ({ headers: {}, error }),
    ),
  ]);
  const release = async (): Promise<void> => {
    if (locked) await services.infra.kv.deleteIfEquals(lockKey, lockValue);
  };
  if (limits.error) {
    await release();
    throw limits.error;
  }
  if (!conversation || !tenant) {
    await release();
    throw notFound('Conversation');
  }
  if (!locked) {
    throw new DomainError(
      'conversation_busy',
      'A response is already being generated in this conversation',
    );
  }
  if (input.clientMessageId) {
    const dup = await owned
      .messages(input.conversationId)
      .where({ client_message_id: input.clientMessageId })
      .first('id');
    if (dup) {
      await release();
      throw new DomainError('conflict', 'A message with this clientMessageId was already sent', {
        messageId: dup.id,
      });
    }
  }
  let tools: ToolSet;
  try {
    tools = await services.tools.forTurn(tenant, input.clientTools);
  } catch (err) {
    await release(); // e.g. a client tool with a server tool's name: 400, nothing stored
    throw err;
  }
  return {
    input,
    tenant,
    tools,
    lastSeq: Number(conversation.last_seq),
    release,
    limitHeaders: limits.headers,
  };
}

/** Runs a prepared turn to its end, emitting protocol events to `sink`. Never throws. */
export async function streamTurn(
  services: AppServices,
  turn: PreparedTurn,
  sink: EventSink,
  signal: AbortSignal,
): Promise<TurnOutcome> {
  const { input, tenant } = turn;
  let seq = turn.lastSeq;
  const base = { conversationId: input.conversationId };
  const toolSeqs = new Map<string, number>();
  const emit: EmitFn = (e) => {
    const event = { ...e, ...base, seq: ++seq } as ParleyEvent;
    if (event.type === 'tool.completed') toolSeqs.set(event.toolCallId, event.seq);
    sink.emit(event);
  };

  // The lock is released before the terminal event, so a client that sends its
  // next message the moment it sees `response.completed` is never refused as busy.
  let released = false;
  const release = async (): Promise<void> => {
    if (released) return;
    released = true;
    await turn.release();
  };

  try {
    const userSeq = seq + 1;
    const responseId = randomUUID();
    // memory: recall runs beside the insert and the history load (budgeted, never throws).
    const [userMessage, history, recalled] = await Promise.all([
      insertUserMessage(services.knex, {
        id: randomUUID(),
        tenantId: input.tenantId,
        userId: input.userId,
        conversationId: input.conversationId,
        content: input.content,
        seq: userSeq,
        clientMessageId: input.clientMessageId ?? null,
      }),
      loadHistory(services.knex, input, userSeq),
      recallForTurn(services, tenant, input),
    ]);
    emit({ type: 'message.created', message: userMessage });
    // memory: tell the client what was remembered ("remembered: …").
    if (recalled.memories.length > 0) {
      emit({ type: 'memory.recalled', responseId, memories: recalledForEvent(recalled) });
    }

    const messages: ChatMessage[] = [
      {
        role: 'system',
        // memory: recalled memories follow the persona.
        content: systemPromptWithMemory(tenant.settings.persona ?? DEFAULT_PERSONA, recalled),
      },
      ...history,
      { role: 'user', content: input.content },
    ];
    // generate → tools → generate …; all steps' text forms the one answer.
    const result = await generateWithTools(
      services,
      {
        tenant,
        userId: input.userId,
        conversationId: input.conversationId,
        responseId,
        tools: turn.tools,
        seqOf: (id) => toolSeqs.get(id) ?? seq,
      },
      messages,
      signal,
      emit,
    );

    if (result.error && result.text === '') {
      await advanceSeq(services.knex, input, seq + 1);
      await release();
      emit({ type: 'response.failed', responseId, error: result.error, message: null });
      return { userMessage, response: null, error: result.error };
    }
    const finalSeq = seq + 1;
    const response = await persistAssistantMessage(services.knex, {
      id: responseId,
      tenantId: input.tenantId,
      userId: input.userId,
      conversationId: input.conversationId,
      content: result.text,
      status: result.error ? 'incomplete' : 'complete',
      seq: finalSeq,
      provider: result.provider?.id ?? null,
      model: result.model,
      offline: result.provider?.offline ?? false,
      inputTokens: result.usage?.inputTokens ?? null,
      outputTokens: result.usage?.outputTokens ?? null,
      costUsd: result.costUsd,
      toolCalls: result.toolCalls.length ? result.toolCalls : null,
    });
    // limits: add this turn to the cached quota counters (the usage row is written).
    recordTurnUsage(services, input, {
      messages: 1,
      tokens: (result.usage?.inputTokens ?? 0) + (result.usage?.outputTokens ?? 0),
    }).catch((err: unknown) => services.log.warn({ err }, 'quota counter update failed'));
    // memory: extraction runs as a background job; this only enqueues it.
    enqueueExtraction(services, {
      tenantId: input.tenantId,
      userId: input.userId,
      conversationId: input.conversationId,
      userMessageId: userMessage.id,
      assistantMessageId: response.id,
      recalledMemoryIds: recalled.memories.map((m) => m.id),
    });
    if (result.error) {
      await release();
      emit({ type: 'response.failed', responseId, error: result.error, message: response });
      return { userMessage, response, error: result.error };
    }
    await release();
    emit({ type: 'response.completed', responseId, message: response, usage: result.usage });
    return { userMessage, response, error: null };
  } catch (err) {
    services.log.error({ err, conversationId: input.conversationId }, 'turn failed');
    const error: ErrorBody = {
      code: 'internal_error',
      message: 'The response could not be completed',
    };
    await release();
    emit({ type: 'response.failed', responseId: null, error, message: null });
    throw err;
  } finally {
    await release();
  }
}
