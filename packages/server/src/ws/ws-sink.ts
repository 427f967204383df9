import type { Duplex } from 'node:stream';
import type { ParleyEvent, ServerFrame } from '@parley/sdk/protocol';
import { WebSocket } from 'ws';
import type { Clock, TimerHandle } from '../clock/clock.js';
import { systemClock } from '../clock/clock.js';
import type { EventSink } from '../turns/turn-event-log.js';

/** A client that stops reading this far behind is dropped rather than buffered forever. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/**
 * Sends frames to one WebSocket: one frame per event (the protocol), but
 * frames leave in batches, each batch one socket write (the raw socket is
 * corked around it). Like SSE, text deltas after a turn's first are held
 * for at most `flushIntervalMs` (10 ms, below what a reader can see), so a
 * fast model costs a few writes per turn instead of one per token; every
 * other frame, and the first delta, leaves on the next tick.
 */
export class WsSink implements EventSink {
  private queue: string[] = [];
  private immediate: NodeJS.Immediate | undefined;
  private timer: TimerHandle | undefined;
  private lastFlush = 0;
  /** Responses whose first delta went out (later ones may wait for the next batch). */
  private readonly streaming = new Set<string>();
  /** Highest seq sent per conversation. */
  private readonly sentSeq = new Map<string, number>();

  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Duplex,
    /** Coalescing runs on it (the app's clock; a ManualClock in tests). */
    private readonly clock: Clock = systemClock,
    private readonly flushIntervalMs = 10,
  ) {}

  emit(event: ParleyEvent): void {
    // A turn this socket runs may also reach it through a subscription: once is enough.
    if (event.seq <= (this.sentSeq.get(event.conversationId) ?? 0)) return;
    this.sentSeq.set(event.conversationId, event.seq);
    let urgent = true;
    if (event.type === 'text.delta') {
      urgent = !this.streaming.has(event.responseId);
      this.streaming.add(event.responseId);
    } else if (event.type === 'response.completed' || event.type === 'response.failed') {
      if (event.responseId) this.streaming.delete(event.responseId);
    }
    this.enqueue(JSON.stringify(event), urgent);
  }

  /** The client asked again from `afterSeq`: events after it go out again. */
  resetSeq(conversationId: string, afterSeq: number): void {
    this.sentSeq.set(conversationId, afterSeq);
  }

  send(frame: ServerFrame): void {
    this.enqueue(JSON.stringify(frame), true);
  }

  private enqueue(frame: string, urgent: boolean): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.queue.push(frame);
    if (this.immediate) return;
    const now = this.clock.now();
    if (urgent || now - this.lastFlush >= this.flushIntervalMs) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
      this.immediate = setImmediate(this.flush);
    } else if (!this.timer) {
      this.timer = this.clock.setTimeout(this.flush, this.lastFlush + this.flushIntervalMs - now);
    }
  }

  readonly flush = (): void => {
    if (this.immediate) clearImmediate(this.immediate);
    this.clock.clearTimeout(this.timer);
    this.immediate = undefined;
    this.timer = undefined;
    const frames = this.queue;
    this.queue = [];
    if (this.ws.readyState !== WebSocket.OPEN || frames.length === 0) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.ws.terminate();
      return;
    }
    this.lastFlush = this.clock.now();
    this.socket.cork();
    for (const f of frames) this.ws.send(f);
    this.socket.uncork();
  };
}
