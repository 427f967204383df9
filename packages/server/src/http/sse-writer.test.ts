import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { setImmediate as nextTick } from 'node:timers/promises';
import type { ParleyEvent } from '@parley/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/manual-clock.js';
import { SseWriter } from './sse-writer.js';

/** A response that records each socket write. */
function fakeResponse() {
  const writes: string[] = [];
  const res = Object.assign(new EventEmitter(), {
    writeHead: () => res,
    flushHeaders: () => {},
    write: (chunk: string) => (writes.push(chunk), true),
    end: () => {},
    destroy: () => {},
  });
  return { res: res as unknown as ServerResponse, writes };
}

const delta = (seq: number, text: string): ParleyEvent => ({
  type: 'text.delta',
  seq,
  conversationId: 'c',
  responseId: 'r',
  delta: text,
});

describe('SseWriter coalescing, on the app clock', () => {
  it('sends the first delta at once, then holds later ones until 10 ms of clock time pass', async () => {
    const clock = new ManualClock();
    const { res, writes } = fakeResponse();
    const writer = new SseWriter(res, clock);
    writer.open();
    writer.emit(delta(1, 'Hel'));
    await nextTick();
    expect(writes.join('')).toContain('"delta":"Hel"');

    writer.emit(delta(2, 'lo'));
    writer.emit(delta(3, ' there'));
    await nextTick();
    expect(writes.join('')).not.toContain('"delta":"lo"');
    await clock.advance(9);
    expect(writes.join('')).not.toContain('"delta":"lo"');
    await clock.advance(1);
    await nextTick();
    const last = writes.at(-1)!;
    // Both held deltas leave in one write.
    expect(last).toContain('"delta":"lo"');
    expect(last).toContain('"delta":" there"');
    writer.end();
    expect(clock.pending).toBe(0); // no timer outlives the stream (heartbeat included)
  });
});
