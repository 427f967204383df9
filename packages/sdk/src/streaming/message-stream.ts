import { APIUserAbortError, errorFor, ParleyError } from '../errors.js';
import { ERROR_STATUS } from '../protocol/error-codes.js';
import type {
  ParleyEvent,
  ParleyEventType,
  ResponseCompletedEvent,
  ResponseFailedEvent,
} from '../protocol/events.js';
import { isTerminalEvent } from '../protocol/events.js';
import type { Message } from '../protocol/resources.js';

/**
 * What a transport does with a stream: push its events, then end it (with an
 * error if it broke before the answer). It ends when the server is done with
 * the turn, so the next message can be sent as soon as a reader's loop exits.
 */
/** @internal */
export interface StreamSink {
  readonly signal: AbortSignal;
  readonly answered: boolean;
  /** The seq of the last event pushed (0 before any): where a resume starts. */
  readonly lastSeq: number;
  /** Abort only stops reading: no cancel is sent (SendOptions.keepRunningOnAbort). */
  readonly keepRunningOnAbort?: boolean;
  push(event: ParleyEvent): void;
  end(error?: unknown): void;
}

/** The event of a given type, for {@link MessageStream.on}. */
export type EventOf<T extends ParleyEventType> = Extract<ParleyEvent, { type: T }>;

/**
 * One answer being streamed. Read it once with `for await` (or
 * `toReadableStream()`), or listen with `on(type, fn)`; `text()` and
 * `finalMessage()` wait for the end (with or without a reader). `break`,
 * `abort()` or the caller's signal cancel it: the server stops at once and
 * keeps the partial answer, marked incomplete. A connection that drops
 * mid-answer is resumed from the last seq seen, with nothing lost or doubled.
 */
export class MessageStream implements AsyncIterable<ParleyEvent>, StreamSink {
  readonly #controller = new AbortController();
  readonly #queue: ParleyEvent[] = [];
  #wake: (() => void) | undefined;
  #ended = false;
  #error: unknown;
  #read = false;
  #answer = '';
  #last: ResponseCompletedEvent | ResponseFailedEvent | undefined;
  readonly #done: Promise<void>;
  #settle!: (error?: unknown) => void;
  readonly #detach: () => void;
  #seq = 0;
  readonly #listeners: Array<(event: ParleyEvent) => void> = [];

  constructor(signal?: AbortSignal) {
    this.#done = new Promise<void>((resolve, reject) => {
      this.#settle = (e) => (e === undefined ? resolve() : reject(e));
    });
    this.#done.catch(() => {}); // rejections surface where you await them, never as unhandled
    const onAbort = (): void => this.abort();
    if (signal?.aborted) queueMicrotask(onAbort);
    else signal?.addEventListener('abort', onAbort, { once: true });
    // A long-lived signal shared by many sends must not keep every finished stream alive.
    this.#detach = () => signal?.removeEventListener('abort', onAbort);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /**
   * Asked when the stream would end with `error`: true means it is being
   * resumed (more events and another `end` will come).
   */
  resume: ((error: unknown) => boolean) | undefined;

  /** Abort only stops reading: the server goes on with the answer (see SendOptions). */
  keepRunningOnAbort = false;

  get lastSeq(): number {
    return this.#seq;
  }

  /**
   * Calls `fn` with every event of this type as it arrives (`'*'`: every
   * event), whether or not the stream is also read. Returns the stream.
   */
  on<T extends ParleyEventType>(type: T | '*', fn: (event: EventOf<T>) => void): this {
    this.#listeners.push((e) => {
      if (type === '*' || e.type === type) fn(e as EventOf<T>);
    });
    return this;
  }

  /** @internal Called by the transport with each event. */
  push(event: ParleyEvent): void {
    // A resumed connection may repeat what arrived before it broke.
    if (this.#ended || event.seq <= this.#seq) return;
    this.#seq = event.seq;
    for (const fn of this.#listeners) fn(event);
    if (event.type === 'text.delta') this.#answer += event.delta;
    if (isTerminalEvent(event)) this.#last = event;
    this.#queue.push(event);
    this.#notify();
  }

  /** True once `response.completed` or `response.failed` arrived. */
  get answered(): boolean {
    return this.#last !== undefined;
  }

  /** @internal Called by the transport when the stream is over. */
  end(error?: unknown): void {
    if (this.#ended || (error !== undefined && this.resume?.(error))) return;
    this.#ended = true;
    this.#error = error;
    this.#detach();
    this.#settle(error);
    this.#notify();
  }

  /** Cancels the answer. Events already received stay readable; then the reader gets APIUserAbortError. */
  abort(): void {
    if (this.#ended) return;
    // Already answered (a `break` after the last event): nothing left to cancel.
    if (this.#last) return this.end();
    this.end(new APIUserAbortError('The stream was aborted'));
    this.#controller.abort();
  }

  /** The answer's text as streamed (the partial text if it failed). */
  async text(): Promise<string> {
    await this.#done;
    return this.#answer;
  }

  /** The stored assistant message; a failed answer throws its typed error. */
  async finalMessage(): Promise<Message> {
    await this.#done;
    const last = this.#last;
    if (last?.type === 'response.completed') return last.message;
    const body = last?.error;
    if (!body) throw new ParleyError('The stream ended without an answer');
    throw errorFor(ERROR_STATUS[body.code] ?? 500, {
      ...body,
      details: body.details ?? (last.message ? { message: last.message } : undefined),
    });
  }

  /**
   * The events as a WHATWG `ReadableStream` (for `Response`, pipes, React
   * server components). Reads the stream, so only once; cancelling it cancels the answer.
   */
  toReadableStream(): ReadableStream<ParleyEvent> {
    const it = this[Symbol.asyncIterator]();
    return new ReadableStream<ParleyEvent>({
      // A rejected pull errors the ReadableStream with the same typed error.
      async pull(controller) {
        const r = await it.next();
        if (r.done) controller.close();
        else controller.enqueue(r.value);
      },
      cancel: () => void it.return?.(),
    });
  }

  /** Reads the events in order; `break` cancels the answer. Only once per stream. */
  [Symbol.asyncIterator](): AsyncIterator<ParleyEvent> {
    if (this.#read) throw new ParleyError('A message stream can only be read once');
    this.#read = true;
    return {
      next: async () => {
        for (;;) {
          const value = this.#queue.shift();
          if (value) return { value, done: false };
          if (this.#ended) {
            if (this.#error !== undefined) throw this.#error;
            return { value: undefined, done: true };
          }
          await new Promise<void>((r) => (this.#wake = r));
        }
      },
      return: async () => {
        this.abort(); // `break` out of for-await
        return { value: undefined, done: true };
      },
    };
  }

  #notify(): void {
    this.#wake?.();
    this.#wake = undefined;
  }
}
