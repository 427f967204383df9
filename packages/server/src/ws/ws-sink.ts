import type { Duplex } from 'node:stream';
import type { ParleyEvent, ServerFrame } from '@parley/sdk/protocol';
import { WebSocket } from 'ws';
import type { EventSink } from '../turns/turn-event-log.js';

/** A client that stops reading this far behind is dropped rather than buffered forever. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/**
 * Sends frames to one WebSocket. One frame per event (the protocol), but all
 * frames produced in the same tick leave in one socket write: the raw socket
 * is corked around them, so a burst of deltas costs one syscall.
 */
export class WsSink implements EventSink {
  private queue: string[] = [];
  private scheduled = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Duplex,
  ) {}

  emit(event: ParleyEvent): void {
    this.send(event);
  }

  send(frame: ServerFrame): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.queue.push(JSON.stringify(frame));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  readonly flush = (): void => {
    this.scheduled = false;
    const frames = this.queue;
    this.queue = [];
    if (this.ws.readyState !== WebSocket.OPEN || frames.length === 0) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.ws.terminate();
      return;
    }
    this.socket.cork();
    for (const f of frames) this.ws.send(f);
    this.socket.uncork();
  };
}
