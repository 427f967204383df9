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

export interface MessageCreatedEvent extends EventBase {
  type: 'message.created';
  message: Message;
}

export interface ResponseStartedEvent extends EventBase {
  type: 'response.started';
  responseId: string;
  provider: string;
  model: string;
  /** The offline provider answered: no model is involved. UIs must say so. */
  offline: boolean;
}

export interface TextDeltaEvent extends EventBase {
  type: 'text.delta';
  responseId: string;
  delta: string;
}

export interface ToolStartedEvent extends EventBase {
  type: 'tool.started';
  responseId: string;
  toolCallId: string;
  name: string;
  args: unknown;
}

export interface ToolProgressEvent extends EventBase {
  type: 'tool.progress';
  responseId: string;
  toolCallId: string;
  /** 0..1 */
  progress: number;
  note?: string;
}

export interface ToolCompletedEvent extends EventBase {
  type: 'tool.completed';
  responseId: string;
  toolCallId: string;
  name: string;
  status: 'ok' | 'error';
  result?: unknown;
  error?: string;
  durationMs: number;
}

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

export interface MemoryRecalledEvent extends EventBase {
  type: 'memory.recalled';
  responseId: string;
  memories: { id: string; text: string }[];
}

export interface ResponseCompletedEvent extends EventBase {
  type: 'response.completed';
  responseId: string;
  message: Message;
  usage: Usage | null;
}

export interface ResponseFailedEvent extends EventBase {
  type: 'response.failed';
  responseId: string | null;
  error: ErrorBody;
  /** The partial answer, kept and marked incomplete, when text had streamed. */
  message: Message | null;
}

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

export type ParleyEventType = ParleyEvent['type'];

/** Events that end a turn: the stream closes after one of these. */
export function isTerminalEvent(
  event: ParleyEvent,
): event is ResponseCompletedEvent | ResponseFailedEvent {
  return event.type === 'response.completed' || event.type === 'response.failed';
}
