export interface SseMessage {
  event: string | undefined;
  data: string;
  id: string | undefined;
}

/**
 * Server-Sent Events from a fetch body, per the WHATWG rules: any line ending,
 * multi-line data, comments ignored, a blank line ends a message. Stopping the
 * iteration cancels the body.
 */
export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  let data: string[] = [];
  let event: string | undefined;
  let id: string | undefined;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      // At the end, close the last line; a message without its blank line is dropped.
      buf += done ? decoder.decode() + '\n' : decoder.decode(value, { stream: true });
      let m: RegExpExecArray | null;
      // A trailing '\r' may be half of '\r\n': it waits for the next chunk.
      while ((m = /\r\n|\n|\r(?!$)/.exec(buf))) {
        const line = buf.slice(0, m.index);
        buf = buf.slice(m.index + m[0].length);
        if (line === '') {
          if (data.length) yield { event, data: data.join('\n'), id };
          data = [];
          event = undefined;
          continue;
        }
        const colon = line.indexOf(':');
        if (colon === 0) continue; // comment (heartbeat)
        const field = colon < 0 ? line : line.slice(0, colon);
        let v = colon < 0 ? '' : line.slice(colon + 1);
        if (v.startsWith(' ')) v = v.slice(1);
        if (field === 'data') data.push(v);
        else if (field === 'event') event = v;
        else if (field === 'id') id = v;
      }
      if (done) return;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
