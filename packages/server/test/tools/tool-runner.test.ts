import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../../src/tools/define-tool.js';
import { defineTool } from '../../src/tools/define-tool.js';
import { runToolCalls } from '../../src/tools/runtime/run-tool-calls.js';
import { ToolSet } from '../../src/tools/tool-set.js';
import type { TestApp } from '../helpers/test-app.js';
import { startTestApp } from '../helpers/test-app.js';
import { toolRuntime } from '../../src/app-services.js';
import { collectingHooks } from '../helpers/tool-hooks.js';

let t: TestApp;
const scope = {
  tenantId: '00000000-0000-4000-8000-000000000001',
  userId: '00000000-0000-4000-8000-000000000002',
  conversationId: '00000000-0000-4000-8000-000000000003',
  responseId: 'resp-1',
};
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

function toolSet(...defs: Array<ToolDefinition | [ToolDefinition, number]>): ToolSet {
  const set = new ToolSet();
  for (const d of defs) {
    const [def, timeoutMs] = Array.isArray(d) ? d : [d, 5_000];
    set.add({ def, kind: 'plugin', config: { greeting: 'hi' }, needsApproval: false, timeoutMs });
  }
  return set;
}

async function run(
  set: ToolSet,
  calls: Array<[string, string, string]>,
  signal = new AbortController().signal,
) {
  const events: any[] = [];
  const outcomes = await runToolCalls(
    toolRuntime(t.app.services),
    set,
    calls.map(([id, name, argsJson]) => ({ id, name, argsJson })),
    scope,
    collectingHooks(events),
    signal,
  );
  return { outcomes, events };
}

const echo = defineTool<{ text: string }>({
  name: 'echo',
  description: 'Echoes text back',
  parameters: {
    type: 'object',
    additionalProperties: false,
    required: ['text'],
    properties: { text: { type: 'string', maxLength: 10 } },
  },
  execute: ({ text }, ctx) => ({ text, greeting: ctx.config.greeting, user: ctx.userId }),
});

describe('the tool runner', () => {
  it('runs a tool with its context and reports started → completed', async () => {
    const { outcomes, events } = await run(toolSet(echo), [['c1', 'echo', '{"text":"hello"}']]);
    expect(outcomes[0]).toMatchObject({
      status: 'ok',
      result: { text: 'hello', greeting: 'hi', user: scope.userId },
      error: null,
    });
    expect(JSON.parse(outcomes[0]!.content)).toEqual({
      text: 'hello',
      greeting: 'hi',
      user: scope.userId,
    });
    expect(events.map((e) => e.type)).toEqual(['tool.started', 'tool.completed']);
    expect(events[1]).toMatchObject({ status: 'ok', toolCallId: 'c1', name: 'echo' });
  });

  it('runs several calls at once when the model asks for several', async () => {
    // Each tool waits until the other has started: run one after the other, both would time out.
    let startedA!: () => void;
    let startedB!: () => void;
    const a = new Promise<void>((r) => (startedA = r));
    const b = new Promise<void>((r) => (startedB = r));
    const ping = defineTool({
      name: 'ping',
      description: 'waits for pong',
      parameters: { type: 'object' },
      execute: async () => (startedA(), await b, 'ping done'),
    });
    const pong = defineTool({
      name: 'pong',
      description: 'waits for ping',
      parameters: { type: 'object' },
      execute: async () => (startedB(), await a, 'pong done'),
    });
    const { outcomes } = await run(toolSet([ping, 2_000], [pong, 2_000]), [
      ['p1', 'ping', '{}'],
      ['p2', 'pong', '{}'],
    ]);
    expect(outcomes.map((o) => [o.call.id, o.status, o.result])).toEqual([
      ['p1', 'ok', 'ping done'],
      ['p2', 'ok', 'pong done'],
    ]);
  });

  it('gives invalid arguments back to the model without running the tool', async () => {
    let ran = false;
    const strict = defineTool({
      ...echo,
      execute: () => {
        ran = true;
      },
    });
    const { outcomes, events } = await run(toolSet(strict), [
      ['c1', 'echo', '{"text": 42, "extra": true}'],
      ['c2', 'echo', '{"text": "far too long text"}'],
      ['c3', 'echo', '{not json'],
    ]);
    expect(ran).toBe(false);
    expect(outcomes.map((o) => o.status)).toEqual(['error', 'error', 'error']);
    expect(outcomes[0]!.error).toMatch(
      /^Invalid arguments for echo: .*Fix them and call the tool again\.$/,
    );
    expect(outcomes[0]!.error).toContain('/text: must be string');
    expect(outcomes[0]!.error).toContain('unknown property "extra"');
    expect(outcomes[1]!.error).toMatch(/\/text: must NOT have more than 10 characters/);
    expect(outcomes[2]!.error).toMatch(/not valid JSON/);
    expect(outcomes[2]!.args).toEqual({ raw: '{not json' });
    expect(JSON.parse(outcomes[0]!.content).error).toBe(outcomes[0]!.error);
    expect(
      events.filter((e) => e.type === 'tool.completed').every((e) => e.status === 'error'),
    ).toBe(true);
  });

  it('answers an unknown tool with the list of tools that exist', async () => {
    const { outcomes } = await run(toolSet(echo), [['c1', 'rm_rf', '{}']]);
    expect(outcomes[0]).toMatchObject({ status: 'error' });
    expect(outcomes[0]!.error).toBe('There is no tool named "rm_rf". Available tools: echo.');
  });

  it('turns a thrown error into an error result', async () => {
    const boom = defineTool({
      name: 'boom',
      description: 'fails',
      parameters: { type: 'object' },
      execute: () => {
        throw new Error('backend is down');
      },
    });
    const { outcomes } = await run(toolSet(boom), [['c1', 'boom', '{}']]);
    expect(outcomes[0]).toMatchObject({ status: 'error', error: 'backend is down' });
  });

  it('times out a tool that hangs and aborts its signal', async () => {
    let aborted = false;
    const hang = defineTool({
      name: 'hang',
      description: 'never answers',
      parameters: { type: 'object' },
      execute: (_args, ctx) => {
        ctx.signal.addEventListener('abort', () => (aborted = true));
        return new Promise(() => {});
      },
    });
    const { outcomes, events } = await run(toolSet([hang, 50]), [['c1', 'hang', '{}']]);
    expect(outcomes[0]).toMatchObject({
      status: 'timeout',
      error: 'The tool did not finish within 50 ms',
    });
    expect(aborted).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'tool.completed', status: 'error' });
  });

  it('cancels a running tool when the user cancels the turn', async () => {
    const controller = new AbortController();
    const slow = defineTool({
      name: 'slow',
      description: 'waits',
      parameters: { type: 'object' },
      execute: (_a, ctx) => {
        setImmediate(() => controller.abort(new Error('cancelled by user')));
        return new Promise((_, reject) =>
          ctx.signal.addEventListener('abort', () => reject(new Error('stopped'))),
        );
      },
    });
    const { outcomes } = await run(toolSet(slow), [['c1', 'slow', '{}']], controller.signal);
    expect(outcomes[0]).toMatchObject({
      status: 'cancelled',
      error: 'The user cancelled the response',
    });
  });

  it('streams progress as tool.progress events, clamped to 0..1', async () => {
    const steps = defineTool({
      name: 'steps',
      description: 'reports progress',
      parameters: { type: 'object' },
      execute: (_a, ctx) => {
        ctx.progress(0.5, 'halfway');
        ctx.progress(7);
        return 'ok';
      },
    });
    const { events } = await run(toolSet(steps), [['c1', 'steps', '{}']]);
    expect(events.filter((e) => e.type === 'tool.progress')).toEqual([
      expect.objectContaining({ progress: 0.5, note: 'halfway', toolCallId: 'c1' }),
      expect.objectContaining({ progress: 1 }),
    ]);
  });

  it('refuses a result the model could not read', async () => {
    const weird = defineTool({
      name: 'weird',
      description: 'returns a BigInt',
      parameters: { type: 'object' },
      execute: () => ({ n: 10n }),
    });
    const { outcomes } = await run(toolSet(weird), [['c1', 'weird', '{}']]);
    expect(outcomes[0]!.status).toBe('error');
  });
});

describe('defineTool', () => {
  it('refuses bad declarations up front', () => {
    const base = { description: 'd', parameters: { type: 'object' }, execute: () => null };
    expect(() => defineTool({ ...base, name: 'has space' })).toThrow(/must match/);
    expect(() => defineTool({ ...base, name: 'ok', description: ' ' })).toThrow(/description/);
    expect(() => defineTool({ ...base, name: 'ok', parameters: { type: 'string' } })).toThrow(
      /type "object"/,
    );
    expect(() =>
      defineTool({
        ...base,
        name: 'ok',
        parameters: { type: 'object', properties: { a: { type: 'nope' } } },
      }),
    ).toThrow(/Invalid JSON Schema/);
  });
});
