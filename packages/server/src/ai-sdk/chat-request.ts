import { invalid } from '../errors/domain-error.js';
import type { JsonSchema } from '../http/routing/route.js';

/** The parts of a UI message that Parley reads; the rest is kept as the client sent it. */
export interface UiMessagePart {
  type: string;
  text?: string;
  toolCallId?: string;
  state?: string;
  approval?: { id: string; approved?: boolean };
}

export interface UiMessage {
  id: string;
  role: 'system' | 'user' | 'assistant';
  parts: UiMessagePart[];
  metadata?: unknown;
}

/** What `DefaultChatTransport` posts: the chat id, its messages, and why (submit or regenerate). */
export interface ChatRequest {
  id: string;
  messages: UiMessage[];
  trigger?: 'submit-message' | 'regenerate-message';
  messageId?: string;
}

const part: JsonSchema = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { type: 'string', minLength: 1, maxLength: 100 },
    text: { type: 'string', maxLength: 32_000 },
    toolCallId: { type: 'string', maxLength: 200 },
    state: { type: 'string', maxLength: 50 },
    approval: {
      type: 'object',
      required: ['id'],
      properties: { id: { type: 'string', maxLength: 200 }, approved: { type: 'boolean' } },
    },
  },
};

/** Loose where `useChat` is (extra body fields, message metadata), strict where Parley reads. */
export const chatRequestSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'messages'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 200 },
    messages: {
      type: 'array',
      minItems: 1,
      maxItems: 2000,
      items: {
        type: 'object',
        required: ['id', 'role', 'parts'],
        properties: {
          id: { type: 'string', maxLength: 200 },
          role: { enum: ['system', 'user', 'assistant'] },
          parts: { type: 'array', maxItems: 500, items: part },
        },
      },
    },
    trigger: { enum: ['submit-message', 'regenerate-message'] },
    messageId: { type: 'string', maxLength: 200 },
  },
};

/** What one request asks of the conversation. */
export type ChatAsk =
  /** A new user message (also a regenerate: the last user message is sent again). */
  | { kind: 'message'; content: string; clientMessageId: string | null }
  /** The user answered tool approvals: the paused answer goes on. */
  | { kind: 'approvals'; answers: ApprovalAnswer[]; afterSeq: number };

/** The user's answer to one tool approval. */
export interface ApprovalAnswer {
  toolCallId: string;
  approved: boolean;
}

/**
 * The server keeps the conversation's history; of the client's copy only
 * the newest message counts (a client cannot rewrite what the model saw).
 */
export function readChatRequest(body: ChatRequest): ChatAsk {
  const last = body.messages[body.messages.length - 1]!;
  if (last.role === 'assistant' && body.trigger !== 'regenerate-message') {
    const answers = last.parts.flatMap((p) =>
      p.state === 'approval-responded' && p.toolCallId && typeof p.approval?.approved === 'boolean'
        ? [{ toolCallId: p.toolCallId, approved: p.approval.approved }]
        : [],
    );
    if (answers.length === 0) {
      throw invalid('The last message must be the user’s, or answer tool approvals');
    }
    return { kind: 'approvals', answers, afterSeq: seqOf(last.metadata) };
  }
  const user = [...body.messages].reverse().find((m) => m.role === 'user');
  const content = (user?.parts ?? [])
    .filter((p) => p.type === 'text' && typeof p.text === 'string')
    .map((p) => p.text)
    .join('\n');
  if (!user || !/\S/.test(content)) {
    throw invalid('The last user message has no text', { path: '/messages' });
  }
  if (content.length > 32_000) {
    throw invalid('The message is too long (at most 32000 characters)', { path: '/messages' });
  }
  // A regenerate sends the same user message again: it must not be refused as a duplicate.
  const regenerate = body.trigger === 'regenerate-message';
  return { kind: 'message', content, clientMessageId: regenerate ? null : user.id };
}

/** The seq our stream last stamped on the assistant message (metadata.parley.seq). */
function seqOf(metadata: unknown): number {
  const seq = (metadata as { parley?: { seq?: unknown } } | undefined)?.parley?.seq;
  return Number.isSafeInteger(seq) && (seq as number) >= 0 ? (seq as number) : 0;
}
