import type { ServerResponse } from 'node:http';
import type { ParleyEvent } from '@parley/sdk/protocol';
import type { EventSink } from './event-sink.js';

/**
 * Writes protocol events as Server-Sent Events straight to the socket.
 * Events produced in the same tick are coalesced into one write, which is
 * where per-token overhead goes in stream-transform based servers.
 */
export class SseWriter implements EventSink {
  private buffer = '';
  private scheduled = false;
  private closed = false;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly res: ServerResponse) {
    res.on('close', () => {
      this.closed = true;
      clearInterval(this.heartbeat);
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
    // Comment lines keep proxies from closing an idle stream during long tool calls.
    this.heartbeat = setInterval(() => this.write(': ping\n\n'), 15_000);
    this.heartbeat.unref();
  }

  emit(event: ParleyEvent): void {
    this.write(`id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  }

  private write(chunk: string): void {
    if (this.closed) return;
    this.buffer += chunk;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    if (this.closed || this.buffer === '') return;
    const data = this.buffer;
    this.buffer = '';
    this.res.write(data);
  };

  end(): void {
    clearInterval(this.heartbeat);
    this.flush();
    if (!this.closed) this.res.end();
    this.closed = true;
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
