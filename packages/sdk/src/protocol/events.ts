import type { ErrorBody } from './error-codes.js';
import type { Message, Usage } from './resources.js';

/**
 * Server → client events. Identical over SSE and WebSocket. `seq` increases
 * monotonically per conversation so a reconnecting client can resume.
 */
interface EventBase {
  seq: number;
  conversationId: string;
}

/** A message was stored (the user message, or a replayed one on resume). */
export interface MessageCreatedEvent extends EventBase {
  type: 'message.created';
  message: Message;
}

/** The answer started: which provider and model answer it. */
export interface ResponseStartedEvent extends EventBase {
  type: 'response.started';
  responseId: string;
  provider: string;
  model: string;
  /** The offline provider answered: no model is involved. UIs must say so. */
  offline: boolean;
}

/** The next piece of the answer's text. */
export interface TextDeltaEvent extends EventBase {
  type: 'text.delta';
  responseId: string;
  delta: string;
}

/** A server-side tool call started. */
export interface ToolStartedEvent extends EventBase {
  type: 'tool.started';
  responseId: string;
  toolCallId: string;
  name: string;
  args: unknown;
}

/** Progress of a running tool call. */
export interface ToolProgressEvent extends EventBase {
  type: 'tool.progress';
  responseId: string;
  toolCallId: string;
  /** 0..1 */
  progress: number;
  note?: string;
}

/** A tool call finished, with its result or error. */
export interface ToolCompletedEvent extends EventBase {
  type: 'tool.completed';
  responseId: string;
  toolCallId: string;
  name: string;
  status: 'ok' | 'error';
  result?: unknown;
  /** A short, generic sentence for people and the model; details stay in the server log. */
  error?: string;
  /** Why the call failed, when it did (stable; switch on this, not on `error`). */
  reason?: ToolFailureReason;
  durationMs: number;
}

/**
 * Why a tool call failed: its service could not be reached (DNS, connection,
 * TLS), took too long, answered with an error, was an address tools may not
 * reach, got arguments that do not fit its schema, does not exist, was denied
 * or cancelled by the user, or the tool itself reported a failure.
 */
export type ToolFailureReason =
  | 'unreachable'
  | 'timeout'
  | 'upstream_error'
  | 'blocked'
  | 'invalid_arguments'
  | 'unknown_tool'
  | 'denied'
  | 'cancelled'
  | 'tool_error';

/** The turn waits for the user to approve this tool call (`tools.approve`). */
export interface ToolApprovalRequestedEvent extends EventBase {
  type: 'tool.approval_requested';
  responseId: string;
  toolCallId: string;
  name: string;
  args: unknown;
}

/** A client-side tool the SDK or widget must run and answer with `tool.result`. */
export interface ToolCallEvent extends EventBase {
  type: 'tool.call';
  responseId: string;
  toolCallId: string;
  name: string;
  args: unknown;
}

/** Which retriever found a recalled item: full text (BM25), embeddings, or both. */
export type RecallRetriever = 'lexical' | 'vector' | 'both';

/** Where a recalled item came from: the message it was said in. */
export interface RecallSource {
  conversationId: string | null;
  messageId: string | null;
  role: string | null;
  /** ISO 8601 */
  createdAt: string | null;
}

/** A stored memory the turn recalled. `id` and `text` are always there; the rest since 0.2. */
export interface RecalledMemoryItem {
  id: string;
  text: string;
  kind?: string;
  /** Relevance after fusion; comparable within one recall only. */
  score?: number;
  retriever?: RecallRetriever;
  source?: RecallSource;
}

/** A turn of an earlier conversation, seen by a neighbouring passage. */
export interface RecalledTurn {
  messageId: string;
  role: string;
  text: string;
  /** ISO 8601 */
  createdAt: string;
}

/** A past message the turn recalled, with the turn it replies to or the answer it got. */
export interface RecalledPassageItem {
  /** The message id. */
  id: string;
  text: string;
  score: number;
  retriever: RecallRetriever;
  source: RecallSource;
  before: RecalledTurn | null;
  after: RecalledTurn | null;
}

/** What the turn recalled about the user before asking the model. */
export interface MemoryRecalledEvent extends EventBase {
  type: 'memory.recalled';
  responseId: string;
  memories: RecalledMemoryItem[];
  /** Past messages put into the prompt; absent from servers before 0.2. */
  passages?: RecalledPassageItem[];
}

/** The answer is complete and stored (the stream ends after it). */
export interface ResponseCompletedEvent extends EventBase {
  type: 'response.completed';
  responseId: string;
  message: Message;
  usage: Usage | null;
}

/** The answer failed or was cancelled; a partial answer is kept (the stream ends after it). */
export interface ResponseFailedEvent extends EventBase {
  type: 'response.failed';
  responseId: string | null;
  error: ErrorBody;
  /** The partial answer, kept and marked incomplete, when text had streamed. */
  message: Message | null;
}

/** Any server → client event; switch on `type`. */
export type ParleyEvent =
  | MessageCreatedEvent
  | ResponseStartedEvent
  | TextDeltaEvent
  | ToolStartedEvent
  | ToolProgressEvent
  | ToolCompletedEvent
  | ToolApprovalRequestedEvent
  | ToolCallEvent
  | MemoryRecalledEvent
  | ResponseCompletedEvent
  | ResponseFailedEvent;

/** The `type` of a ParleyEvent. */
export type ParleyEventType = ParleyEvent['type'];

/** Events that end a turn: the stream closes after one of these. */
export function isTerminalEvent(
  event: ParleyEvent,
): event is ResponseCompletedEvent | ResponseFailedEvent {
  return event.type === 'response.completed' || event.type === 'response.failed';
}
