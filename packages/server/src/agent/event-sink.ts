import type { ParleyEvent } from '@parley/sdk/protocol';

/** Where a turn's events go: an SSE response, a WebSocket, a JSON collector. */
export interface EventSink {
  emit(event: ParleyEvent): void;
}

export class CollectingSink implements EventSink {
  readonly events: ParleyEvent[] = [];
  emit(event: ParleyEvent): void {
    this.events.push(event);
  }
}

/** Sends every event to several sinks (client socket + cross-instance bus). */
export class FanOutSink implements EventSink {
  constructor(private readonly sinks: EventSink[]) {}
  emit(event: ParleyEvent): void {
    for (const s of this.sinks) s.emit(event);
  }
}
