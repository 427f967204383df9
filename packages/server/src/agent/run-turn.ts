import { randomUUID } from 'node:crypto';
import type { ErrorBody, Message, ParleyEvent } from '@parley/sdk/protocol';
import type { AppServices } from '../app-services.js';
import { ApiError, notFound } from '../http/errors.js';
import type { ChatMessage } from '../providers/provider.js';
import type { CachedTenant } from '../tenants/tenant-cache.js';
import { DEFAULT_PERSONA } from '../tenants/settings.js';
import type { EventSink } from './event-sink.js';
import type { EmitFn } from './generate.js';
import { generate } from './generate.js';
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
}

/** A turn that passed every check and holds the conversation's lock. */
export interface PreparedTurn {
  input: TurnInput;
  tenant: CachedTenant;
  lastSeq: number;
  release: () => Promise<void>;
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
  const [tenant, conversation, locked] = await Promise.all([
    services.tenants.get(input.tenantId),
    services
      .knex('conversations')
      .where({ id: input.conversationId, tenant_id: input.tenantId, user_id: input.userId })
      .first('id', 'last_seq'),
    services.infra.kv.setIfAbsent(lockKey, lockValue, LOCK_TTL_MS),
  ]);
  const release = async (): Promise<void> => {
    if (locked) await services.infra.kv.deleteIfEquals(lockKey, lockValue);
  };
  if (!conversation || !tenant) {
    await release();
    throw notFound('Conversation');
  }
  if (!locked) {
    throw new ApiError(
      'conversation_busy',
      'A response is already being generated in this conversation',
    );
  }
  if (input.clientMessageId) {
    const dup = await services
      .knex('messages')
      .where({ conversation_id: input.conversationId, client_message_id: input.clientMessageId })
      .first('id');
    if (dup) {
      await release();
      throw new ApiError('conflict', 'A message with this clientMessageId was already sent', {
        messageId: dup.id,
      });
    }
  }
  return { input, tenant, lastSeq: Number(conversation.last_seq), release };
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
  const emit: EmitFn = (e) => sink.emit({ ...e, ...base, seq: ++seq } as ParleyEvent);

  try {
    const userSeq = seq + 1;
    const [userMessage, history] = await Promise.all([
      insertUserMessage(services.knex, {
        id: randomUUID(),
        tenantId: input.tenantId,
        userId: input.userId,
        conversationId: input.conversationId,
        content: input.content,
        seq: userSeq,
        clientMessageId: input.clientMessageId ?? null,
      }),
      loadHistory(services.knex, input),
    ]);
    emit({ type: 'message.created', message: userMessage });

    const messages: ChatMessage[] = [
      { role: 'system', content: tenant.settings.persona ?? DEFAULT_PERSONA },
      ...history,
      { role: 'user', content: input.content },
    ];
    const responseId = randomUUID();
    const result = await generate(services, tenant, messages, signal, responseId, emit);

    if (result.error && result.text === '') {
      await advanceSeq(services.knex, input.conversationId, seq + 1);
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
      costUsd: null,
      toolCalls: null,
    });
    if (result.error) {
      emit({ type: 'response.failed', responseId, error: result.error, message: response });
      return { userMessage, response, error: result.error };
    }
    emit({ type: 'response.completed', responseId, message: response, usage: result.usage });
    return { userMessage, response, error: null };
  } catch (err) {
    services.log.error({ err, conversationId: input.conversationId }, 'turn failed');
    const error: ErrorBody = {
      code: 'internal_error',
      message: 'The response could not be completed',
    };
    emit({ type: 'response.failed', responseId: null, error, message: null });
    throw err;
  } finally {
    await turn.release();
  }
}
