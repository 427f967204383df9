import type { ParleyEvent } from '@parley/sdk/protocol';
import { isTerminalEvent } from '@parley/sdk/protocol';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event as the turn's code builds it; the log stamps `seq` and `conversationId`. */
export type TurnEventInput = DistributiveOmit<ParleyEvent, 'seq' | 'conversationId'>;

/** Where a turn's events go: an SSE response, a WebSocket, a JSON collector, a mirror. */
export interface EventSink {
  emit(event: ParleyEvent): void;
}

/**
 * Every event of one in-flight turn, in seq order, kept until the turn ends:
 * any number of subscribers get the events after the seq they last saw, then
 * the live ones, with nothing missed or repeated. Seqs come from the block
 * the database reserved for this turn (turn-statements.ts).
 */
export class TurnEventLog {
  private readonly events: ParleyEvent[] = [];
  private readonly sinks = new Set<EventSink>();
  /** Events past the reserved seq block wait here until the database extends it. */
  private held: ParleyEvent[] = [];
  private ended = false;

  constructor(
    readonly conversationId: string,
    /** The seq of the last event emitted (starts at the user message's seq - 1). */
    private seq: number,
    /** Highest seq the database has reserved for this turn: nothing above it is sent. */
    private ceiling: number,
    /** Called when an event waits for a higher ceiling. */
    private readonly onCeiling: () => void = () => {},
  ) {}

  get lastSeq(): number {
    return this.seq;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  get seqCeiling(): number {
    return this.ceiling;
  }

  emit(input: TurnEventInput): ParleyEvent {
    const event = { ...input, conversationId: this.conversationId, seq: ++this.seq } as ParleyEvent;
    this.events.push(event);
    if (event.seq > this.ceiling && !isTerminalEvent(event)) {
      if (this.held.length === 0) this.onCeiling();
      this.held.push(event);
    } else {
      this.deliver(event);
    }
    return event;
  }

  /** The database reserved seqs up to `ceiling`: what waited for it goes out now. */
  raiseCeiling(ceiling: number): void {
    this.ceiling = Math.max(this.ceiling, ceiling);
    const ready = this.held.filter((e) => e.seq <= this.ceiling);
    this.held = this.held.filter((e) => e.seq > this.ceiling);
    for (const e of ready) this.deliver(e);
    if (this.held.length > 0) this.onCeiling();
  }

  private deliver(event: ParleyEvent): void {
    if (isTerminalEvent(event)) {
      // Whatever still waited for seqs is durable now: the final statement raised the ceiling.
      for (const e of this.held) for (const sink of this.sinks) sink.emit(e);
      this.held = [];
    }
    for (const sink of this.sinks) sink.emit(event);
    if (isTerminalEvent(event)) {
      this.ended = true;
      this.sinks.clear();
    }
  }

  /** Replays what `sink` has not seen, then streams live events until the turn ends. */
  subscribe(sink: EventSink, afterSeq = 0): () => void {
    for (const e of this.events) {
      if (e.seq > afterSeq && (e.seq <= this.ceiling || this.ended)) sink.emit(e);
    }
    if (this.ended) return () => {};
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  /** Stops sending to `sink` (its client went away). */
  unsubscribe(sink: EventSink): void {
    this.sinks.delete(sink);
  }

  /** Delivered events after `afterSeq`, in order (a snapshot). */
  since(afterSeq: number): ParleyEvent[] {
    return this.events.filter((e) => e.seq > afterSeq && (e.seq <= this.ceiling || this.ended));
  }

  /** Seq of the first event (the user message): earlier seqs are in the database. */
  get firstSeq(): number {
    return this.events[0]?.seq ?? this.seq + 1;
  }

  get subscribers(): number {
    return this.sinks.size;
  }
}
