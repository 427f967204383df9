/**
 * The Vercel AI SDK's UI Message Stream (v1), as far as Parley speaks it:
 * one JSON chunk per SSE `data:` line, ended by `data: [DONE]`. The shapes
 * follow `uiMessageChunkSchema` of the `ai` package (checked by the test
 * that reads our stream with the real `ai` client).
 */
export const UI_MESSAGE_STREAM_HEADERS = {
  'x-vercel-ai-ui-message-stream': 'v1',
} as const;

/** What Parley puts on the assistant message (`message.metadata` in useChat). */
export interface ParleyMessageMetadata {
  parley: {
    conversationId: string;
    /** The last event's seq: where a continuation (approvals) resumes. */
    seq: number;
    provider?: string;
    model?: string;
    offline?: boolean;
    usage?: unknown;
  };
}

export type UiChunk =
  | { type: 'start'; messageId: string; messageMetadata?: ParleyMessageMetadata }
  | { type: 'start-step' }
  | { type: 'finish-step' }
  | { type: 'text-start'; id: string }
  | { type: 'text-delta'; id: string; delta: string }
  | { type: 'text-end'; id: string }
  | {
      type: 'tool-input-available';
      toolCallId: string;
      toolName: string;
      input: unknown;
      dynamic: true;
    }
  | { type: 'tool-approval-request'; approvalId: string; toolCallId: string }
  | { type: 'tool-output-available'; toolCallId: string; output: unknown; dynamic: true }
  | { type: 'tool-output-error'; toolCallId: string; errorText: string; dynamic: true }
  | { type: 'tool-output-denied'; toolCallId: string }
  | { type: `data-${string}`; id?: string; data: unknown; transient?: boolean }
  | { type: 'message-metadata'; messageMetadata: ParleyMessageMetadata }
  | {
      type: 'finish';
      finishReason: 'stop' | 'tool-calls' | 'error';
      messageMetadata?: ParleyMessageMetadata;
    }
  | { type: 'abort'; reason?: string }
  | { type: 'error'; errorText: string };
