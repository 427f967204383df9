import type { Http } from '../http/http-client.js';
import type { CallOptions } from '../resources/call-options.js';

/** What a client-side tool answers: its result, or why it failed (the model sees either). */
export type ToolAnswer = { result: unknown } | { error: string };

/** A tool call still waiting for the user's approval (e.g. asked before a page reload). */
export interface PendingApproval {
  toolCallId: string;
  name: string;
  args: unknown;
  requestedAt: string | null;
}

/** Answers to a paused turn: tool approvals and client-side tool results. */
export interface ToolsApi {
  /** Answers a `tool.approval_requested` event: the paused turn runs the tool, or tells the model it was denied. */
  approve(
    conversationId: string,
    toolCallId: string,
    approved: boolean,
    options?: CallOptions,
  ): Promise<{ toolCallId: string; approved: boolean }>;
  /** Answers a `tool.call` event with what your own tool returned; the turn continues. */
  submitResult(
    conversationId: string,
    toolCallId: string,
    answer: ToolAnswer,
    options?: CallOptions,
  ): Promise<{ toolCallId: string; accepted: boolean }>;
  /** The approvals a paused turn of this conversation still waits for; answer them with `approve`. */
  pendingApprovals(conversationId: string, options?: CallOptions): Promise<PendingApproval[]>;
}

/** REST on purpose: it reaches the paused turn whichever transport (and server instance) streams it. */
export function toolsApi(http: Http): ToolsApi {
  const post = <T>(id: string, path: string, body: object, o: CallOptions = {}): Promise<T> =>
    http.json<T>('POST', `/v1/conversations/${encodeURIComponent(id)}/${path}`, {
      body,
      ...o,
    });
  return {
    approve: (id, toolCallId, approved, o) =>
      post(id, 'tool-approvals', { toolCallId, approved }, o),
    submitResult: (id, toolCallId, answer, o) =>
      post(id, 'tool-results', { toolCallId, ...answer }, o),
    pendingApprovals: async (id, o) =>
      (
        await http.json<{ data: PendingApproval[] }>(
          'GET',
          `/v1/conversations/${encodeURIComponent(id)}/pending-approvals`,
          o,
        )
      ).data,
  };
}
