import { describe, expect, it } from 'vitest';
import type { SseMessage } from './sse-parser.js';
import { parseSse } from './sse-parser.js';

/** A body that arrives in exactly these chunks, like packets on a slow network. */
function body(chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(ctl) {
      for (const c of chunks) ctl.enqueue(typeof c === 'string' ? enc.encode(c) : c);
      ctl.close();
    },
  });
}

async function all(chunks: (string | Uint8Array)[]): Promise<SseMessage[]> {
  const out: SseMessage[] = [];
  for await (const m of parseSse(body(chunks))) out.push(m);
  return out;
}

describe('parseSse', () => {
  it('reads id, event and data, and skips heartbeat comments', async () => {
    expect(await all([': ping\n\nid: 1\nevent: text.delta\ndata: {"a":1}\n\n'])).toEqual([
      { id: '1', event: 'text.delta', data: '{"a":1}' },
    ]);
  });

  it('handles events split anywhere, including inside \\r\\n and inside a UTF-8 character', async () => {
    const euro = new TextEncoder().encode('data: 5 €\r\n\r\n');
    const cut = euro.indexOf(0xe2) + 1; // in the middle of the 3-byte €
    const crlf = 'event: a\r';
    expect(await all([crlf, '\ndata: x\r\n', '\r\n', euro.slice(0, cut), euro.slice(cut)])).toEqual(
      [
        { id: undefined, event: 'a', data: 'x' },
        { id: undefined, event: undefined, data: '5 €' },
      ],
    );
  });

  it('joins multi-line data, accepts bare \\r endings, and drops an unfinished last event', async () => {
    expect(await all(['data: one\rdata: two\r\rdata:no-space\n\ndata: cut off'])).toEqual([
      { id: undefined, event: undefined, data: 'one\ntwo' },
      { id: undefined, event: undefined, data: 'no-space' },
    ]);
  });

  it('stopping early cancels the body', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(ctl) {
        ctl.enqueue(new TextEncoder().encode('data: tick\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const m of parseSse(stream)) {
      expect(m.data).toBe('tick');
      break;
    }
    expect(cancelled).toBe(true);
  });
});
