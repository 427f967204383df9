import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/manual-clock.js';
import { OfflineProvider } from './offline-provider.js';
import type { ProviderChunk } from './provider.js';

const abortListeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

/** Streams one offline answer on `signal`, advancing the clock until it ends. */
async function answer(provider: OfflineProvider, clock: ManualClock, signal: AbortSignal) {
  const chunks: ProviderChunk[] = [];
  let mostListeners = 0;
  const done = (async () => {
    const request = { model: 'offline', messages: [{ role: 'user' as const, content: 'Hi' }] };
    for await (const chunk of provider.stream({ ...request, signal })) {
      chunks.push(chunk);
      mostListeners = Math.max(mostListeners, abortListeners(signal));
    }
  })();
  await clock.runAll();
  await done;
  return { chunks, mostListeners };
}

const warnings: Error[] = [];
const onWarning = (w: Error) => warnings.push(w);
afterEach(() => {
  process.off('warning', onWarning);
  warnings.length = 0;
});

describe('the offline provider streaming word by word', () => {
  it('leaves no abort listener behind: 1,000 answers on one long-lived signal, no MaxListenersExceededWarning', async () => {
    process.on('warning', onWarning);
    const clock = new ManualClock();
    const provider = new OfflineProvider(20, clock);
    const signal = new AbortController().signal;
    let words = 0;
    let mostListeners = 0;
    for (let turn = 0; turn < 1000; turn++) {
      const a = await answer(provider, clock, signal);
      words += a.chunks.filter((c) => c.type === 'text').length;
      mostListeners = Math.max(mostListeners, a.mostListeners);
      if (mostListeners > 0) break; // already failed: do not pile up 30,000 listeners
    }
    expect(mostListeners).toBe(0); // each word's listener is gone before the word is yielded
    expect(words).toBeGreaterThan(1000 * 11); // enough words per answer to trip the old warning
    expect(abortListeners(signal)).toBe(0);
    await new Promise<void>((r) => setImmediate(r)); // warnings are emitted on the next tick
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('stops at once when the request is aborted mid-answer', async () => {
    const clock = new ManualClock();
    const provider = new OfflineProvider(20, clock);
    const controller = new AbortController();
    const request = { model: 'offline', messages: [{ role: 'user' as const, content: 'Hi' }] };
    const it = provider.stream({ ...request, signal: controller.signal })[Symbol.asyncIterator]();
    const first = it.next();
    await clock.advance(20);
    expect((await first).value).toMatchObject({ type: 'text' });
    const second = it.next();
    controller.abort(new Error('user cancelled'));
    expect(await second).toEqual({ done: true, value: undefined });
    expect(abortListeners(controller.signal)).toBe(0);
    expect(clock.pending).toBe(0);
  });
});
