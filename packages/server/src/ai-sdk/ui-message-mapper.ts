import type { Message, ParleyEvent } from '@parley/sdk/protocol';
import type { ApprovalAnswer } from './chat-request.js';
import type { ParleyMessageMetadata, UiChunk } from './ui-message-chunks.js';

/**
 * Turns one answer's Parley events into UI message chunks. Stateful: text
 * runs between tool calls become text parts (`text-start` … `text-end`),
 * and `start` comes first whichever event arrives first (a continuation
 * after approvals starts mid-answer). `paused` is set when the answer
 * waits for a tool approval: the AI SDK ends the stream there and the
 * client's next request carries the answers.
 */
export class UiMessageMapper {
  private started = false;
  private stepOpen = false;
  private textId: string | null = null;
  private texts = 0;
  private seq = 0;
  private readonly announced = new Set<string>();
  private meta: Omit<ParleyMessageMetadata['parley'], 'seq'>;
  /** The stream is over: finished, failed, or paused for approvals. */
  done = false;
  paused = false;

  private readonly denied = new Set<string>();

  /** `answered`: approvals the client just sent (a continuation): it already shows those calls. */
  constructor(conversationId: string, answered: readonly ApprovalAnswer[] = []) {
    this.meta = { conversationId };
    for (const a of answered) {
      this.announced.add(a.toolCallId);
      if (!a.approved) this.denied.add(a.toolCallId);
    }
    // A continuation goes on in the client's open step.
    if (answered.length > 0) this.stepOpen = true;
  }

  map(event: ParleyEvent): UiChunk[] {
    if (this.done) return [];
    this.seq = event.seq;
    const out: UiChunk[] = [];
    switch (event.type) {
      case 'message.created':
        // Replayed: an answer that finished before we followed it is sent whole.
        if (event.message.role === 'assistant') this.whole(event.message, out);
        break;
      case 'response.started':
        this.meta = {
          ...this.meta,
          provider: event.provider,
          model: event.model,
          offline: event.offline,
        };
        this.begin(event.responseId, out);
        break;
      case 'memory.recalled':
        this.begin(event.responseId, out);
        out.push({
          type: 'data-memory-recalled',
          data: { memories: event.memories, passages: event.passages ?? [] },
        });
        break;
      case 'text.delta':
        this.begin(event.responseId, out);
        if (this.textId === null) {
          this.textId = `text-${++this.texts}`;
          out.push({ type: 'text-start', id: this.textId });
        }
        out.push({ type: 'text-delta', id: this.textId, delta: event.delta });
        break;
      case 'tool.started':
      case 'tool.call':
        this.begin(event.responseId, out);
        this.announce(event.toolCallId, event.name, event.args, out);
        break;
      case 'tool.approval_requested':
        this.begin(event.responseId, out);
        this.announce(event.toolCallId, event.name, event.args, out);
        out.push({
          type: 'tool-approval-request',
          approvalId: event.toolCallId,
          toolCallId: event.toolCallId,
        });
        this.end(out);
        out.push({ type: 'finish', finishReason: 'tool-calls', messageMetadata: this.metadata() });
        this.paused = this.done = true;
        break;
      case 'tool.progress':
        this.begin(event.responseId, out);
        // One data part per call, updated in place (same id).
        out.push({
          type: 'data-tool-progress',
          id: event.toolCallId,
          data: { toolCallId: event.toolCallId, progress: event.progress, note: event.note },
        });
        break;
      case 'tool.completed':
        this.begin(event.responseId, out);
        this.closeText(out);
        if (this.denied.has(event.toolCallId)) {
          out.push({ type: 'tool-output-denied', toolCallId: event.toolCallId });
          break;
        }
        out.push(
          event.status === 'ok'
            ? {
                type: 'tool-output-available',
                toolCallId: event.toolCallId,
                output: event.result ?? null,
                dynamic: true,
              }
            : {
                type: 'tool-output-error',
                toolCallId: event.toolCallId,
                errorText: event.error ?? 'The tool failed',
                dynamic: true,
              },
        );
        break;
      case 'response.completed':
        this.meta = { ...this.meta, usage: event.usage };
        this.begin(event.responseId, out);
        this.end(out);
        out.push({ type: 'finish', finishReason: 'stop', messageMetadata: this.metadata() });
        this.done = true;
        break;
      case 'response.failed':
        this.closeText(out);
        out.push(
          event.error.code === 'cancelled'
            ? { type: 'abort', reason: event.error.message }
            : { type: 'error', errorText: `${event.error.code}: ${event.error.message}` },
        );
        this.done = true;
        break;
    }
    return out;
  }

  private metadata(): ParleyMessageMetadata {
    return { parley: { ...this.meta, seq: this.seq } };
  }

  private begin(messageId: string, out: UiChunk[]): void {
    if (!this.started) {
      this.started = true;
      out.push({ type: 'start', messageId, messageMetadata: this.metadata() });
    }
    if (!this.stepOpen) {
      this.stepOpen = true;
      out.push({ type: 'start-step' });
    }
  }

  private announce(toolCallId: string, toolName: string, input: unknown, out: UiChunk[]): void {
    this.closeText(out);
    if (this.announced.has(toolCallId)) return;
    this.announced.add(toolCallId);
    out.push({ type: 'tool-input-available', toolCallId, toolName, input, dynamic: true });
  }

  private closeText(out: UiChunk[]): void {
    if (this.textId === null) return;
    out.push({ type: 'text-end', id: this.textId });
    this.textId = null;
  }

  private end(out: UiChunk[]): void {
    this.closeText(out);
    if (this.stepOpen) out.push({ type: 'finish-step' });
    this.stepOpen = false;
  }

  private whole(message: Message, out: UiChunk[]): void {
    this.begin(message.id, out);
    if (message.content) {
      const id = `text-${++this.texts}`;
      out.push({ type: 'text-start', id }, { type: 'text-delta', id, delta: message.content });
      out.push({ type: 'text-end', id });
    }
    this.end(out);
    const failed = message.status !== 'complete';
    out.push({
      type: 'finish',
      finishReason: failed ? 'error' : 'stop',
      messageMetadata: this.metadata(),
    });
    this.done = true;
  }
}
