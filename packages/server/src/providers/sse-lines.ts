/** One Server-Sent Event: its `event:` name (null when absent) and joined `data:` lines. */
export interface SseEvent {
  event: string | null;
  data: string;
}

/**
 * Incremental Server-Sent Events parser (WHATWG rules: LF, CR or CRLF line
 * ends, `:` comments, one optional space after the colon, multi-line data).
 * An event cut off by the end of the stream is dropped, as the spec says, so
 * a truncated body never yields half a JSON document.
 */
export class SseParser {
  private buffer = '';
  private event: string | null = null;
  private data: string[] = [];

  /** Adds text and appends every event it completes to `out`. */
  feed(text: string, out: SseEvent[], final = false): void {
    const buffer = this.buffer + text;
    let start = 0;
    for (;;) {
      const lf = buffer.indexOf('\n', start);
      const cr = buffer.indexOf('\r', start);
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (end === -1) break;
      // A CR at the very end may be the first half of a CRLF still in flight.
      if (!final && end === cr && end === buffer.length - 1) break;
      const line = buffer.slice(start, end);
      start = end + (end === cr && buffer.charCodeAt(end + 1) === 10 ? 2 : 1);
      this.line(line, out);
    }
    this.buffer = start === 0 ? buffer : buffer.slice(start);
    if (final && this.buffer !== '') {
      // A last line without its line end still completes nothing: the event has no blank line.
      this.buffer = '';
    }
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === '') {
      if (this.data.length > 0) out.push({ event: this.event, data: this.data.join('\n') });
      this.event = null;
      this.data = [];
      return;
    }
    if (line.charCodeAt(0) === 58 /* : */) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
  }
}

/** Events of a body read as bytes (fetch) or as text (a Node stream with an encoding set). */
export async function* readSse(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseEvent> {
  const parser = new SseParser();
  const decoder = new TextDecoder();
  const out: SseEvent[] = [];
  for await (const chunk of body) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }), out);
    if (out.length > 0) {
      yield* out;
      out.length = 0;
    }
  }
  parser.feed(decoder.decode(), out, true);
  yield* out;
}
