import type { ParleyEvent } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import { applyToolEvent, isToolEvent } from '../src/chat/tool-rows.js';
import type { ToolRow } from '../src/chat/tool-rows.js';

const base = { seq: 1, responseId: 'r1', toolCallId: 'c1' };
const run = (events: object[]): ToolRow[] =>
  events.reduce<ToolRow[]>((rows, e) => {
    const event = { ...base, ...e } as ParleyEvent;
    return isToolEvent(event) ? applyToolEvent(rows, event) : rows;
  }, []);

describe('tool rows', () => {
  it('go from running with progress to done with the result summary', () => {
    const rows = run([
      { type: 'tool.started', name: 'weather', args: { location: 'Lisbon' } },
      { type: 'tool.progress', progress: 0.1, note: 'Looking up Lisbon' },
      { type: 'tool.progress', progress: 0.5 },
    ]);
    expect(rows).toEqual([
      {
        id: 'c1',
        name: 'weather',
        args: '{"location":"Lisbon"}',
        state: 'running',
        progress: 0.5,
        note: 'Looking up Lisbon', // a progress event without a note keeps the last one
      },
    ]);
    const [done] = run([
      { type: 'tool.started', name: 'weather', args: {} },
      { type: 'tool.progress', progress: 0.9 },
      {
        type: 'tool.completed',
        name: 'weather',
        status: 'ok',
        result: { summary: 'Lisbon: 18 °C', raw: 'x'.repeat(1000) },
        durationMs: 5,
      },
    ]);
    expect(done).toMatchObject({ state: 'ok', summary: 'Lisbon: 18 °C', progress: undefined });
  });

  it('show a denied approval as failed, with the reason', () => {
    const rows = run([
      { type: 'tool.approval_requested', name: 'calculator', args: { expression: '6*7' } },
      {
        type: 'tool.completed',
        name: 'calculator',
        status: 'error',
        error: 'The user denied this tool call',
        durationMs: 0,
      },
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      state: 'error',
      args: '{"expression":"6*7"}',
      summary: 'The user denied this tool call',
    });
  });

  it('keep parallel calls apart and cut long results', () => {
    const rows = run([
      { type: 'tool.started', name: 'web_search', args: {} },
      { type: 'tool.started', toolCallId: 'c2', name: 'weather', args: {} },
      {
        type: 'tool.completed',
        toolCallId: 'c2',
        name: 'weather',
        status: 'ok',
        result: 'y'.repeat(400),
        durationMs: 1,
      },
    ]);
    expect(rows.map((r) => [r.id, r.state])).toEqual([
      ['c1', 'running'],
      ['c2', 'ok'],
    ]);
    expect(rows[1]!.summary).toHaveLength(300);
    expect(rows[1]!.summary!.endsWith('…')).toBe(true);
  });
});
