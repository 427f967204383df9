import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../clock/manual-clock.js';
import { defineTool } from '../define-tool.js';
import type { ResolvedTool } from '../tool-set.js';
import { executeWithLimits } from './execute-with-limits.js';

const ctx = {
  tenantId: 't',
  userId: 'u',
  conversationId: 'c',
  toolCallId: 'call',
  log: pino({ level: 'silent' }),
  progress: () => {},
  config: {},
  fetch: (() => Promise.reject(new Error('no network'))) as never,
};

function resolved(def: ResolvedTool['def'], timeoutMs: number): ResolvedTool {
  return { def, kind: 'builtin', config: {}, needsApproval: false, timeoutMs };
}

describe('executeWithLimits', () => {
  // Regression: the calculator timed out on a busy machine while its worker was still
  // loading mathjs; the budget is for the call, not for starting the tool's runtime.
  it('starts the timeout once the tool is ready, then enforces it on the clock', async () => {
    const clock = new ManualClock();
    let markReady!: () => void;
    let finish!: (v: string) => void;
    const slowStart = defineTool({
      name: 'slow_start',
      description: 'a worker that starts slowly',
      parameters: { type: 'object' },
      ready: () => new Promise<void>((r) => (markReady = r)),
      execute: () => new Promise<string>((r) => (finish = r)),
    });
    const run = executeWithLimits(
      clock,
      resolved(slowStart, 50),
      {},
      ctx,
      new AbortController().signal,
    );
    await clock.advance(10_000); // a very slow start costs nothing
    expect(clock.pending).toBe(0);
    markReady();
    await clock.advance(49);
    finish('done');
    expect(await run).toEqual({ status: 'ok', result: 'done', error: null });

    const hang = defineTool({
      name: 'hang',
      description: 'ready at once, never answers',
      parameters: { type: 'object' },
      ready: () => Promise.resolve(),
      execute: () => new Promise(() => {}),
    });
    const late = executeWithLimits(
      clock,
      resolved(hang, 50),
      {},
      ctx,
      new AbortController().signal,
    );
    await clock.advance(50);
    expect(await late).toMatchObject({
      status: 'timeout',
      error: 'The tool did not finish within 50 ms',
    });
  });

  it('a cancel while the tool is still starting ends the call as cancelled', async () => {
    const clock = new ManualClock();
    const never = defineTool({
      name: 'never_ready',
      description: 'never starts',
      parameters: { type: 'object' },
      ready: () => new Promise<void>(() => {}),
      execute: () => 'unreachable',
    });
    const turn = new AbortController();
    const run = executeWithLimits(clock, resolved(never, 50), {}, ctx, turn.signal);
    turn.abort(new Error('user'));
    expect(await run).toMatchObject({ status: 'cancelled' });
  });
});
