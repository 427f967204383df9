import type { Logger } from 'pino';
import type { ChatMessage, TokenUsage } from '../providers/provider.js';
import type { ToolRunHooks, ToolRunScope, ToolRuntime } from '../tools/runtime/run-tool-calls.js';
import { runToolCalls } from '../tools/runtime/run-tool-calls.js';
import type { ToolOutcome } from '../tools/runtime/tool-outcome.js';
import type { ToolSet } from '../tools/tool-set.js';
import type { EmitFn, Generate, Generation } from './model-chain.js';

/** What the turn persists: every step's text in one answer, summed usage and cost. */
export interface LoopResult extends Omit<Generation, 'toolCalls'> {
  toolCalls: { id: string; name: string; args: unknown; status: string }[];
}

export interface ToolLoopDeps {
  generate: Generate;
  runtime: ToolRuntime;
  maxSteps: number;
  log: Logger;
}

export interface ToolLoopTurn {
  models: readonly string[] | undefined;
  recalled?: readonly string[];
  tools: ToolSet;
  scope: ToolRunScope;
  /** Stores a round of tool results before the model reads them (fenced by the turn's lease). */
  recordRound(outcomes: ToolOutcome[]): Promise<void>;
}

const STEP_LIMIT_NOTE =
  'Tool step limit reached for this answer: the tool was not run. Answer with what you have.';

/**
 * generate → run the tools the model asked for → generate again, until the
 * model answers without tools. After `maxSteps` rounds, further calls are
 * answered with a "limit reached" result once; if the model still insists,
 * the answer ends with the text it has.
 */
export async function generateWithTools(
  deps: ToolLoopDeps,
  turn: ToolLoopTurn,
  messages: ChatMessage[],
  signal: AbortSignal,
  hooks: ToolRunHooks,
): Promise<LoopResult> {
  const { responseId } = turn.scope;
  const specs = turn.tools.specs();
  const out: LoopResult = {
    text: '',
    usage: null,
    costUsd: null,
    provider: null,
    model: null,
    error: null,
    toolCalls: [],
  };
  for (let step = 0; ; step++) {
    const gen = await deps.generate({
      models: turn.models,
      recalled: turn.recalled,
      messages,
      tools: specs,
      responseId,
      signal,
      emit: stepEmit(hooks.emit, step, out),
    });
    out.text += gen.text;
    out.usage = addUsage(out.usage, gen.usage);
    out.costUsd = gen.costUsd === null ? out.costUsd : (out.costUsd ?? 0) + gen.costUsd;
    out.provider = gen.provider ?? out.provider;
    out.model = gen.model ?? out.model;
    out.error = gen.error;
    if (gen.error || gen.toolCalls.length === 0) return out;
    if (step > deps.maxSteps) {
      deps.log.warn(
        { conversationId: turn.scope.conversationId, maxSteps: deps.maxSteps },
        'tool step limit: answer ends here',
      );
      return out;
    }

    messages.push({ role: 'assistant', content: gen.text, toolCalls: gen.toolCalls });
    const outcomes = await runToolCalls(
      deps.runtime,
      turn.tools,
      gen.toolCalls,
      turn.scope,
      hooks,
      signal,
      step === deps.maxSteps ? STEP_LIMIT_NOTE : undefined,
    );
    await turn.recordRound(outcomes);
    for (const o of outcomes) {
      messages.push({ role: 'tool', toolCallId: o.call.id, name: o.call.name, content: o.content });
      out.toolCalls.push({ id: o.call.id, name: o.call.name, args: o.args, status: o.status });
    }
    if (signal.aborted) {
      out.error = { code: 'cancelled', message: 'The response was cancelled' };
      return out;
    }
  }
}

/**
 * Later steps continue the same response: no second `response.started`, and
 * a paragraph break between the text of two steps (streamed too, so the
 * deltas always add up to the stored answer).
 */
function stepEmit(emit: EmitFn, step: number, so: { text: string }): EmitFn {
  if (step === 0) return emit;
  let first = true;
  return (e) => {
    if (e.type === 'response.started') return;
    if (e.type === 'text.delta' && first) {
      first = false;
      if (so.text !== '' && !/\s$/.test(so.text)) {
        so.text += '\n\n';
        emit({ type: 'text.delta', responseId: e.responseId, delta: '\n\n' });
      }
    }
    emit(e);
  };
}

function addUsage(a: TokenUsage | null, b: TokenUsage | null): TokenUsage | null {
  if (!a) return b;
  if (!b) return a;
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
  };
}
