import { describe, expect, it } from 'vitest';
import { geminiSse } from '../../test/helpers/provider-fixtures.js';
import type { SseEvent } from './sse-lines.js';
import { readSse } from './sse-lines.js';

async function parse(chunks: Array<string | Uint8Array>): Promise<SseEvent[]> {
  const enc = new TextEncoder();
  async function* body(): AsyncGenerator<Uint8Array> {
    for (const c of chunks) yield typeof c === 'string' ? enc.encode(c) : c;
  }
  const out: SseEvent[] = [];
  for await (const ev of readSse(body())) out.push(ev);
  return out;
}

/** Every way a network could split the bytes: one byte per chunk. */
function bytewise(text: string): Uint8Array[] {
  return [...new TextEncoder().encode(text)].map((b) => Uint8Array.of(b));
}

describe('readSse', () => {
  it('reads LF, CRLF and CR line ends alike', async () => {
    const expected = [
      { event: null, data: 'a' },
      { event: 'x', data: 'b' },
    ];
    expect(await parse(['data: a\n\nevent: x\ndata: b\n\n'])).toEqual(expected);
    expect(await parse(['data: a\r\n\r\nevent: x\r\ndata: b\r\n\r\n'])).toEqual(expected);
    expect(await parse(['data: a\r\revent: x\rdata: b\r\r'])).toEqual(expected);
  });

  it('gives the same events however the bytes are split, incl. CRLF and UTF-8 across chunks', async () => {
    const text = 'event: t\r\ndata: {"text":"18°C ☀️"}\r\n\r\ndata: next\r\n\r\n';
    const expected = [
      { event: 't', data: '{"text":"18°C ☀️"}' },
      { event: null, data: 'next' },
    ];
    expect(await parse([text])).toEqual(expected);
    expect(await parse(bytewise(text))).toEqual(expected);
  });

  it('joins multi-line data, skips comments and unknown fields, keeps spaces after the first', async () => {
    const events = await parse([': keep-alive\n', 'id: 7\nretry: 10\ndata:  two\ndata:x\n\n']);
    expect(events).toEqual([{ event: null, data: ' two\nx' }]);
  });

  it('drops an event the stream cut off before its blank line', async () => {
    expect(await parse(['data: whole\n\ndata: {"half":'])).toEqual([
      { event: null, data: 'whole' },
    ]);
  });

  it('reads the recorded Gemini stream (CRLF framing) into its JSON chunks', async () => {
    const events = await parse(bytewise(geminiSse('google-text.chunks.txt')));
    expect(events).toHaveLength(3);
    expect(events.map((e) => JSON.parse(e.data).candidates[0].content.parts[0].text)).toEqual([
      'Hello! How can I',
      ' help you today?',
      '',
    ]);
  });
});
