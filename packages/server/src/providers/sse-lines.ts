/** One Server-Sent Event: its `event:` name (null when absent) and joined `data:` lines. */
export interface SseEvent {
  event: string | null;
  data: string;
}

/**
 * Parses a byte stream of Server-Sent Events (WHATWG rules: LF, CR or CRLF
 * line ends, `:` comments, one optional space after the colon, multi-line
 * data). An event cut off by the end of the stream is dropped, as the spec
 * says, so a truncated body never yields half a JSON document.
 */
export async function* readSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event: string | null = null;
  let data: string[] = [];
  const lines = function* (final: boolean): Generator<SseEvent> {
    let start = 0;
    for (;;) {
      const lf = buffer.indexOf('\n', start);
      const cr = buffer.indexOf('\r', start);
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (end === -1) break;
      // A CR at the very end may be the first half of a CRLF still in flight.
      if (!final && end === cr && end === buffer.length - 1) break;
      const line = buffer.slice(start, end);
      start = end + (end === cr && buffer[end + 1] === '\n' ? 2 : 1);
      if (line === '') {
        if (data.length > 0) yield { event, data: data.join('\n') };
        event = null;
        data = [];
        continue;
      }
      if (line.charCodeAt(0) === 58 /* : */) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.charCodeAt(0) === 32) value = value.slice(1);
      if (field === 'data') data.push(value);
      else if (field === 'event') event = value;
    }
    buffer = buffer.slice(start);
  };
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true });
    yield* lines(false);
  }
  buffer += decoder.decode();
  yield* lines(true);
}
