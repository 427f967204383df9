import type { ErrorBody, ErrorCode } from '../protocol/error-codes.js';
import { ERROR_STATUS } from '../protocol/error-codes.js';
import type { ParleyEvent } from '../protocol/events.js';
import type { Conversation, Message, SessionTokens } from '../protocol/resources.js';

/** Options of `createMockParley`: scripted answers, failures and latency. */
export interface MockParleyOptions {
  /** The assistant's answer to a user message. Default: `Echo: <content>`. Streamed word by word. */
  reply?: (content: string) => string;
  /** Lifetime the mock gives access tokens, in seconds. Default 900. */
  accessTtlSeconds?: number;
}

/** A failure the mock returns instead of an answer (status and error code). */
export interface MockFailure {
  status?: number;
  code: ErrorCode;
  message?: string;
  /** Seconds, sent as `Retry-After`. */
  retryAfter?: number;
}

/** A conversation as the mock stores it, for assertions. */
export interface MockConversation {
  conversation: Conversation;
  messages: Message[];
}

/** An HTTP error the mock answers with. */
export class MockHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    readonly retryAfter?: number,
  ) {
    super(body.message);
  }
}

export const fail = (code: ErrorCode, message: string): MockHttpError =>
  new MockHttpError(ERROR_STATUS[code], { code, message });

/**
 * The state behind the mock transports: sessions, conversations and turns,
 * kept in memory with the server's rules (ownership, seq, incomplete answers).
 */
export class MockBackend {
  readonly conversations = new Map<string, MockConversation>();
  readonly validTokens = new Set<string>();
  private readonly refreshTokens = new Set<string>();
  private ids = 0;

  /** Turns not yet stored, by conversation: `settled` waits for them. */
  private readonly unsettled = new Map<string, { done: Promise<void>; resolve(): void }>();

  constructor(readonly options: MockParleyOptions = {}) {}

  /** Resolves once the conversation's turn (if any) has stored its answer. */
  settled(conversationId: string): Promise<void> {
    return this.unsettled.get(conversationId)?.done ?? Promise.resolve();
  }

  id(prefix: string): string {
    return `${prefix}_${(++this.ids).toString(36).padStart(6, '0')}`;
  }

  issue(): SessionTokens {
    const accessToken = this.id('mock_at');
    const refreshToken = this.id('mock_rt');
    this.validTokens.add(accessToken);
    this.refreshTokens.add(refreshToken);
    const expiresIn = this.options.accessTtlSeconds ?? 900;
    return {
      accessToken,
      refreshToken,
      expiresIn,
      user: { id: 'mock_user', externalId: null, anonymous: true },
    };
  }

  refresh(refreshToken: string): SessionTokens {
    if (!this.refreshTokens.delete(refreshToken))
      throw fail('unauthorized', 'Invalid or expired refresh token');
    return this.issue();
  }

  authorize(header: string | null): void {
    const token = /^Bearer (.+)$/.exec(header ?? '')?.[1];
    if (!token || !this.validTokens.has(token)) throw fail('unauthorized', 'Invalid access token');
  }

  conversation(id: string): MockConversation {
    const c = this.conversations.get(id);
    if (!c) throw fail('not_found', 'Conversation not found');
    return c;
  }

  createConversation(title: string | null = null): Conversation {
    const now = new Date().toISOString();
    const conversation = { id: this.id('conv'), title, createdAt: now, updatedAt: now, lastSeq: 0 };
    this.conversations.set(conversation.id, { conversation, messages: [] });
    return conversation;
  }

  private message(
    c: MockConversation,
    m: Pick<Message, 'role' | 'content' | 'status'>,
    extra: Partial<Message> = {},
  ): Message {
    const msg: Message = {
      id: this.id('msg'),
      conversationId: c.conversation.id,
      seq: c.conversation.lastSeq,
      createdAt: new Date().toISOString(),
      ...m,
      ...extra,
    };
    c.messages.push(msg);
    return msg;
  }

  /**
   * The events of one turn, produced lazily so a cancel between two of them
   * stops the answer; the partial answer is stored as incomplete.
   */
  *turn(
    conversationId: string,
    content: string,
    clientMessageId?: string,
    cancelled = () => false,
  ): Generator<ParleyEvent> {
    const c = this.conversation(conversationId);
    if (clientMessageId && c.messages.some((m) => m.clientMessageId === clientMessageId)) {
      throw fail('conflict', 'A message with this clientMessageId was already sent');
    }
    let resolve!: () => void;
    const stored = new Promise<void>((r) => (resolve = r));
    this.unsettled.set(conversationId, { done: stored, resolve });
    const conv = c.conversation;
    const ev = <T extends object>(e: T) =>
      ({ ...e, conversationId, seq: ++conv.lastSeq }) as unknown as ParleyEvent;
    const base = { role: 'user' as const, content, status: 'complete' as const };
    const user = this.message(c, base, {
      seq: conv.lastSeq + 1,
      clientMessageId: clientMessageId ?? null,
    });
    yield ev({ type: 'message.created', message: user });
    const responseId = this.id('msg');
    yield ev({
      type: 'response.started',
      responseId,
      provider: 'mock',
      model: 'mock',
      offline: false,
    });
    const answer = (this.options.reply ?? ((q: string) => `Echo: ${q}`))(content);
    let text = '';
    for (const delta of answer.split(/(?<= )/)) {
      if (cancelled()) break;
      text += delta;
      yield ev({ type: 'text.delta', responseId, delta });
    }
    const done = !cancelled();
    const message = this.message(
      c,
      { role: 'assistant', content: text, status: done ? 'complete' : 'incomplete' },
      {
        id: responseId,
        seq: conv.lastSeq + 1,
        provider: 'mock',
        model: 'mock',
        offline: false,
        usage: null,
      },
    );
    this.unsettled.get(conversationId)?.resolve();
    this.unsettled.delete(conversationId);
    yield done
      ? ev({ type: 'response.completed', responseId, message, usage: null })
      : ev({
          type: 'response.failed',
          responseId,
          message,
          error: { code: 'cancelled', message: 'The response was cancelled' },
        });
  }
}
