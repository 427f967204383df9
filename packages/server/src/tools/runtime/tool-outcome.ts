import type { ToolFailureReason } from '@parley/sdk/protocol';
import type { ToolCallRequest } from '../../providers/provider.js';

export type ExecutionStatus = 'ok' | 'error' | 'timeout' | 'denied' | 'cancelled';

/** One tool call, finished: what the model, the events and tool_executions get. */
export interface ToolOutcome {
  call: ToolCallRequest;
  /** Parsed arguments, or `{ raw }` when the model sent invalid JSON. */
  args: unknown;
  status: ExecutionStatus;
  result: unknown;
  error: string | null;
  /** Why it failed (absent when ok). */
  reason?: ToolFailureReason;
  durationMs: number;
  /** The tool message content the model reads next. */
  content: string;
  /** Seq of its `tool.completed` event: its stored tool message gets the same seq. */
  seq: number;
}

const MAX_CONTENT = 16_000;

/** The text of a tool message: the JSON result, or `{"error", "reason"}` the model can react to. */
export function contentFor(
  status: ExecutionStatus,
  result: unknown,
  error: string | null,
  reason?: ToolFailureReason,
): string {
  const text = JSON.stringify(
    status === 'ok' ? (result ?? null) : { error, ...(reason ? { reason } : {}) },
  );
  return text.length > MAX_CONTENT ? `${text.slice(0, MAX_CONTENT)}… [truncated]` : text;
}
