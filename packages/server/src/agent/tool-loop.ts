import type { AppServices } from '../app-services.js';
import type { ChatMessage, TokenUsage } from '../providers/provider.js';
import type { CachedTenant } from '../tenants/tenant-cache.js';
import { recordToolRound } from '../tools/runtime/record-tool-round.js';
import { runToolCalls } from '../tools/runtime/run-tool-calls.js';
import type { ToolSet } from '../tools/tool-set.js';
import type { EmitFn, Generation } from './generate.js';
import { generate } from './generate.js';

/** What the turn persists: every step's text in one answer, summed usage and cost. */
export interface LoopResult extends Omit<Generation, 'toolCalls'> {
  toolCalls: { id: string; name: string; args: unknown; status: string }[];
}

export interface LoopScope {
  tenant: CachedTenant;
  userId: string;
  conversationId: string;
  responseId: string;
  tools: ToolSet;
  /** Seq of the `tool.completed` event of a call: its tool message gets the same seq. */
  seqOf: (toolCallId: string) => number;
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
  services: AppServices,
  scope: LoopScope,
  messages: ChatMessage[],
  signal: AbortSignal,
  emit: EmitFn,
): Promise<LoopResult> {
  const { tenant, responseId, tools } = scope;
  const maxSteps = services.config.tools.maxSteps;
  const specs = tools.specs();
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
    const gen = await generate(
      services,
      tenant,
      messages,
      signal,
      responseId,
      stepEmit(emit, step, out),
      specs,
    );
    out.text += gen.text;
    out.usage = addUsage(out.usage, gen.usage);
    out.costUsd = gen.costUsd === null ? out.costUsd : (out.costUsd ?? 0) + gen.costUsd;
    out.provider = gen.provider ?? out.provider;
    out.model = gen.model ?? out.model;
    out.error = gen.error;
    if (gen.error || gen.toolCalls.length === 0) return out;
    if (step > maxSteps) {
      services.log.warn(
        { conversationId: scope.conversationId, maxSteps },
        'tool step limit: answer ends here',
      );
      return out;
    }

    messages.push({ role: 'assistant', content: gen.text, toolCalls: gen.toolCalls });
    const toolScope = {
      tenantId: tenant.id,
      userId: scope.userId,
      conversationId: scope.conversationId,
      responseId,
    };
    const outcomes = await runToolCalls(
      services,
      tools,
      gen.toolCalls,
      toolScope,
      emit,
      signal,
      step === maxSteps ? STEP_LIMIT_NOTE : undefined,
    );
    await recordToolRound(services.knex, toolScope, outcomes, scope.seqOf);
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
