import type { ParleyEvent } from '@parley/sdk/protocol';
import type { SseWriter } from '../http/sse-writer.js';
import type { ApprovalAnswer } from './chat-request.js';
import type { EventSink } from '../turns/turn-event-log.js';
import { UiMessageMapper } from './ui-message-mapper.js';

/**
 * Writes a turn's events as UI message chunks. `over` resolves when the
 * answer is finished, failed, or paused for approvals (the turn then waits
 * while this response ends normally, which is not a cancel).
 */
export class UiMessageSink implements EventSink {
  private readonly mapper: UiMessageMapper;
  private firstDelta = true;
  readonly over: Promise<void>;
  private resolve!: () => void;

  constructor(
    private readonly writer: SseWriter,
    conversationId: string,
    answered: readonly ApprovalAnswer[] = [],
  ) {
    this.mapper = new UiMessageMapper(conversationId, answered);
    this.over = new Promise((r) => (this.resolve = r));
  }

  get paused(): boolean {
    return this.mapper.paused;
  }

  emit(event: ParleyEvent): void {
    for (const chunk of this.mapper.map(event)) {
      // Like Parley's own stream: deltas after the first may share a write.
      const urgent = chunk.type !== 'text-delta' || this.firstDelta;
      if (chunk.type === 'text-delta') this.firstDelta = false;
      this.writer.data(JSON.stringify(chunk), urgent);
    }
    if (this.mapper.done) this.resolve();
  }

  /** The stream's last line, then the end of the response. */
  close(): void {
    this.writer.data('[DONE]', true);
    this.writer.end();
  }
}
