import type { ServerResponse } from 'node:http';
import type { ParleyEvent } from '@parley/sdk/protocol';
import type { Clock, TimerHandle } from '../clock/clock.js';
import { every, systemClock } from '../clock/clock.js';
import type { EventSink } from '../turns/turn-event-log.js';

/**
 * Writes protocol events as Server-Sent Events straight to the socket.
 * A socket write costs a syscall, the largest per-token cost in profiles, so
 * text deltas after the first are coalesced and written at most every
 * `flushIntervalMs` (10 ms: below what a reader can see, ~5x fewer writes).
 * Every other event, and the first delta (time to first token), goes out on
 * the next tick together with whatever is buffered.
 *
 * Backpressure is honoured: while the socket says it is full, events
 * collect here and leave on 'drain'. A reader that stops reading is not
 * buffered for: past `maxBufferedBytes` the connection is dropped
 * (`overflowed`); the turn goes on and is stored, and the client resumes
 * from its last seq (GET …/stream?afterSeq=).
 */
export class SseWriter implements EventSink {
  private buffer = '';
  private immediate: NodeJS.Immediate | undefined;
  private timer: TimerHandle | undefined;
  private lastFlush = 0;
  private sawDelta = false;
  private closed = false;
  private opened = false;
  /** The socket refused more (write() returned false) and has not drained yet. */
  private blocked = false;
  private stopHeartbeat = (): void => {};
  /** The reader fell too far behind and was cut off (not a cancel: the turn goes on). */
  overflowed = false;

  constructor(
    private readonly res: ServerResponse,
    /** Coalescing and heartbeats run on it (the app's clock; a ManualClock in tests). */
    private readonly clock: Clock = systemClock,
    private readonly flushIntervalMs = 10,
    private readonly maxBufferedBytes = 4 * 1024 * 1024,
  ) {
    res.on('close', () => {
      this.closed = true;
      this.cancelScheduled();
      this.stopHeartbeat();
    });
  }

  open(headers: Record<string, string> = {}): void {
    this.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...headers,
    });
    this.res.flushHeaders();
    this.opened = true;
    if (this.buffer !== '') this.immediate ??= setImmediate(this.flush);
    // Comment lines keep proxies from closing an idle stream during long tool calls.
    this.stopHeartbeat = every(this.clock, 15_000, () => this.write(': ping\n\n', true));
  }

  emit(event: ParleyEvent): void {
    const urgent = event.type !== 'text.delta' || !this.sawDelta;
    if (event.type === 'text.delta') this.sawDelta = true;
    this.write(
      `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`,
      urgent,
    );
  }

  /**
   * A `data:` line of another stream format over the same socket handling
   * (the AI SDK's UI message stream). `urgent: false` may be coalesced.
   */
  data(json: string, urgent: boolean): void {
    this.write(`data: ${json}\n\n`, urgent);
  }

  private write(chunk: string, urgent: boolean): void {
    if (this.closed) return;
    this.buffer += chunk;
    if (this.buffer.length > this.maxBufferedBytes) return this.overflow();
    if (this.blocked) return;
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

  private readonly flush = (): void => {
    this.cancelScheduled();
    if (this.closed || !this.opened || this.blocked || this.buffer === '') return;
    this.lastFlush = this.clock.now();
    const data = this.buffer;
    this.buffer = '';
    if (!this.res.write(data)) {
      this.blocked = true;
      this.res.once('drain', () => {
        this.blocked = false;
        this.flush();
      });
    }
  };

  private overflow(): void {
    this.overflowed = true;
    this.closed = true;
    this.buffer = '';
    this.cancelScheduled();
    this.stopHeartbeat();
    this.res.destroy();
  }

  private cancelScheduled(): void {
    if (this.immediate) clearImmediate(this.immediate);
    this.clock.clearTimeout(this.timer);
    this.immediate = undefined;
    this.timer = undefined;
  }

  end(): void {
    this.stopHeartbeat();
    if (!this.opened && !this.closed) this.open();
    this.cancelScheduled();
    // Whatever waits for a drain goes with the end: res.end queues it behind the rest.
    if (!this.closed) this.res.end(this.buffer);
    this.buffer = '';
    this.closed = true;
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
