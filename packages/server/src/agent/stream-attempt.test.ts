import { describe, expect, it } from 'vitest';
import type { ChatProvider, ProviderChunk, ProviderRequest } from '../providers/provider.js';
import { ProviderError } from '../providers/provider.js';
import { ManualClock } from '../clock/manual-clock.js';
import { streamAttempt } from './stream-attempt.js';

const limits = (clock = new ManualClock(), firstChunkMs = 1000, idleMs = 1000) => ({
  clock,
  firstChunkMs,
  idleMs,
});

/** A provider scripted by a generator function; records whether its stream was closed. */
function scripted(
  body: (req: ProviderRequest) => AsyncGenerator<ProviderChunk>,
): ChatProvider & { closed: boolean } {
  const p = {
    id: 'fake',
    offline: false,
    closed: false,
    async *stream(req: ProviderRequest): AsyncIterable<ProviderChunk> {
      try {
        yield* body(req);
      } finally {
        p.closed = true;
      }
    },
  };
  return p;
}

const untilAborted = (signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });

const hooks = () => {
  const seen: string[] = [];
  return { seen, onStart: () => seen.push('start'), onText: (d: string) => seen.push(d) };
};

describe('streamAttempt', () => {
  it('reads text, tool calls and the finish, then closes the provider stream', async () => {
    const p = scripted(async function* () {
      yield { type: 'text', text: 'Hel' };
      yield { type: 'text', text: 'lo' };
      yield { type: 'tool-call', call: { id: 'c1', name: 'calc', argsJson: '{}' } };
      yield { type: 'finish', reason: 'tool_calls', usage: { inputTokens: 3, outputTokens: 2 } };
      yield { type: 'text', text: 'never read' };
    });
    const h = hooks();
    const r = await streamAttempt(
      p,
      { model: 'm', messages: [] },
      new AbortController().signal,
      limits(),
      h,
    );
    expect(r).toMatchObject({
      text: 'Hello',
      toolCalls: [{ id: 'c1' }],
      usage: { inputTokens: 3, outputTokens: 2 },
      finishReason: 'tool_calls',
      started: true,
      error: null,
    });
    expect(h.seen).toEqual(['start', 'Hel', 'lo']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(p.closed).toBe(true);
  });

  it('gives up on a provider silent past the first-token timeout, as retryable, and aborts it', async () => {
    let aborted = false;
    const p = scripted(async function* (req) {
      await untilAborted(req.signal);
      aborted = true;
      yield { type: 'text', text: 'too late' };
    });
    const h = hooks();
    const clock = new ManualClock();
    const pending = streamAttempt(
      p,
      { model: 'm', messages: [] },
      new AbortController().signal,
      limits(clock, 20),
      h,
    );
    await clock.advance(19);
    expect(aborted).toBe(false);
    await clock.advance(1);
    const r = await pending;
    expect(r.started).toBe(false);
    expect(r.error).toBeInstanceOf(ProviderError);
    expect(r.error?.retryable).toBe(true);
    expect(h.seen).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(aborted).toBe(true);
  });

  it('reports a stream that ends without finish as retryable, keeping what streamed', async () => {
    const p = scripted(async function* () {
      yield { type: 'text', text: 'Hel' };
    });
    const r = await streamAttempt(
      p,
      { model: 'm', messages: [] },
      new AbortController().signal,
      limits(),
      hooks(),
    );
    expect(r).toMatchObject({ text: 'Hel', started: true, error: { retryable: true } });
  });

  it('reports a cancel as cancelled, not as a provider failure', async () => {
    const user = new AbortController();
    const p = scripted(async function* (req) {
      yield { type: 'text', text: 'Hel' };
      user.abort(new Error('cancelled by user'));
      await untilAborted(req.signal);
      throw new ProviderError('Request aborted', { retryable: false });
    });
    const r = await streamAttempt(p, { model: 'm', messages: [] }, user.signal, limits(), hooks());
    expect(r).toMatchObject({ text: 'Hel', cancelled: true, error: null });
  });

  it('ends an answer whose provider goes silent mid-stream, keeping the text, as retryable', async () => {
    const clock = new ManualClock();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const p = scripted(async function* (req) {
      yield { type: 'text', text: 'Hel' };
      await gate;
      yield { type: 'text', text: 'lo' };
      await untilAborted(req.signal);
      throw new ProviderError('Request aborted', { retryable: false });
    });
    const pending = streamAttempt(
      p,
      { model: 'm', messages: [] },
      new AbortController().signal,
      limits(clock, 1000, 1000),
      hooks(),
    );
    await clock.advance(600);
    release(); // 'lo' arrives at 600 ms: the silence starts again from there
    await clock.advance(999);
    let settled = false;
    void pending.then(() => (settled = true));
    await clock.advance(0);
    expect(settled).toBe(false);
    await clock.advance(1);
    const r = await pending;
    expect(r).toMatchObject({ text: 'Hello', started: true, cancelled: false });
    expect(r.error?.retryable).toBe(true);
    expect(r.error?.message).toMatch(/silent for 1000 ms/);
  });
});
