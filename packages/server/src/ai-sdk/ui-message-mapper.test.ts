import type { ParleyEvent } from '@parley/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { UiMessageMapper } from './ui-message-mapper.js';

const C = '4a3b2c1d-0e9f-4a8b-9c7d-6e5f4a3b2c1d';
const R = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';
let seq = 0;
const ev = (e: Record<string, unknown>) =>
  ({ conversationId: C, seq: ++seq, responseId: R, ...e }) as unknown as ParleyEvent;
const types = (m: UiMessageMapper, events: ParleyEvent[]) =>
  events.flatMap((e) => m.map(e)).map((c) => c.type);

describe('UiMessageMapper', () => {
  it('splits text around tool calls into separate text parts, one step', () => {
    const m = new UiMessageMapper(C);
    const chunks = [
      ev({ type: 'response.started', provider: 'p', model: 'm', offline: false }),
      ev({ type: 'text.delta', delta: 'Let me check. ' }),
      ev({ type: 'tool.started', toolCallId: 't1', name: 'weather', args: { city: 'Paris' } }),
      ev({ type: 'tool.progress', toolCallId: 't1', progress: 0.5 }),
      ev({ type: 'tool.completed', toolCallId: 't1', name: 'weather', status: 'ok', result: 18 }),
      ev({ type: 'text.delta', delta: 'It is 18 °C.' }),
      ev({ type: 'response.completed', message: {}, usage: null }),
    ].flatMap((e) => m.map(e));
    expect(chunks.map((c) => c.type)).toEqual([
      'start',
      'start-step',
      'text-start',
      'text-delta',
      'text-end',
      'tool-input-available',
      'data-tool-progress',
      'tool-output-available',
      'text-start',
      'text-delta',
      'text-end',
      'finish-step',
      'finish',
    ]);
    const ids = chunks.filter((c) => c.type === 'text-start').map((c) => (c as { id: string }).id);
    expect(new Set(ids).size).toBe(2);
    expect(m.done).toBe(true);
    // Nothing after the end.
    expect(m.map(ev({ type: 'text.delta', delta: 'late' }))).toEqual([]);
  });

  it('a failure is an error chunk; a cancel is an abort chunk', () => {
    const failed = new UiMessageMapper(C);
    expect(
      types(failed, [
        ev({ type: 'text.delta', delta: 'Hi' }),
        ev({
          type: 'response.failed',
          error: { code: 'provider_unavailable', message: 'down' },
          message: null,
        }),
      ]),
    ).toEqual(['start', 'start-step', 'text-start', 'text-delta', 'text-end', 'error']);
    const cancelled = new UiMessageMapper(C);
    expect(
      cancelled.map(
        ev({ type: 'response.failed', error: { code: 'cancelled', message: 'x' }, message: null }),
      ),
    ).toEqual([{ type: 'abort', reason: 'x' }]);
  });

  it('pauses at an approval request, and a continuation goes on in the same part', () => {
    const first = new UiMessageMapper(C);
    const asked = first.map(
      ev({ type: 'tool.approval_requested', toolCallId: 't9', name: 'refund', args: {} }),
    );
    expect(asked.map((c) => c.type)).toEqual([
      'start',
      'start-step',
      'tool-input-available',
      'tool-approval-request',
      'finish-step',
      'finish',
    ]);
    expect(first.paused).toBe(true);
    const next = new UiMessageMapper(C, [{ toolCallId: 't9', approved: false }]);
    expect(
      types(next, [
        ev({ type: 'tool.completed', toolCallId: 't9', name: 'refund', status: 'error' }),
        ev({ type: 'response.completed', message: {}, usage: null }),
      ]),
    ).toEqual(['start', 'tool-output-denied', 'finish-step', 'finish']);
  });

  it('an answer that finished before it was followed is sent whole', () => {
    const m = new UiMessageMapper(C);
    const message = { id: R, role: 'assistant', content: 'Done.', status: 'incomplete' };
    const chunks = m.map(ev({ type: 'message.created', message }));
    expect(chunks).toContainEqual({ type: 'text-delta', id: 'text-1', delta: 'Done.' });
    expect(chunks.at(-1)).toMatchObject({ type: 'finish', finishReason: 'error' });
    expect(m.map(ev({ type: 'message.created', message: { ...message, role: 'user' } }))).toEqual(
      [],
    );
  });
});
