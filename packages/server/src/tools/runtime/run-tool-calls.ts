import type { Clock } from '../../clock/clock.js';
import type { ParleyEvent, ToolFailureReason } from '@parley/sdk/protocol';
import type { Logger } from 'pino';
import type { Infra } from '../../infra/index.js';
import type { ToolCallRequest } from '../../providers/provider.js';
import type { TurnEventInput } from '../../turns/turn-event-log.js';
import type { SafeFetch } from '../net/safe-fetch.js';
import type { ResolvedTool, ToolSet } from '../tool-set.js';
import { schemaProblems } from '../validate-args.js';
import { executeWithLimits } from './execute-with-limits.js';
import { waitForAnswer } from './pending-answers.js';
import type { ExecutionStatus, ToolOutcome } from './tool-outcome.js';
import { contentFor } from './tool-outcome.js';

export interface ToolRunScope {
  tenantId: string;
  userId: string;
  conversationId: string;
  responseId: string;
}

/** What a client posts back for a `tool.call`. */
export interface ClientToolAnswer {
  result?: unknown;
  error?: string;
}

/** What running tools needs from the server, built once per instance. */
export interface ToolRuntime {
  infra: Pick<Infra, 'kv' | 'pubsub'>;
  fetch: SafeFetch;
  approvalTimeoutMs: number;
  log: Logger;
  /** Tool timeouts and approval / client-tool deadlines run on it (tests move it). */
  clock: Clock;
}

/** Emits an event of the turn and returns it as sent (with its seq). */
export type ToolEmit = (e: TurnEventInput) => ParleyEvent;

export interface ToolRunHooks {
  emit: ToolEmit;
  /** +1 while a person is being asked (a dropped client must not cancel), -1 after. */
  awaitingHuman(delta: 1 | -1): void;
}

interface Step {
  status: ExecutionStatus;
  result: unknown;
  /** What the model and the events get: never a raw network or vendor error. */
  error: string | null;
  reason?: ToolFailureReason;
  /** The raw error, logged with the tool and turn; never sent anywhere. */
  cause?: unknown;
}

interface Run {
  runtime: ToolRuntime;
  call: ToolCallRequest;
  scope: ToolRunScope;
  emit: ToolEmit;
  hooks: ToolRunHooks;
  signal: AbortSignal;
}

const failed = (
  error: string,
  status: ExecutionStatus = 'error',
  reason: ToolFailureReason = 'tool_error',
): Step => ({ status, result: null, error, reason });
const CANCELLED = 'The user cancelled the response';

/**
 * Runs the tool calls of one model step, in parallel, and never throws:
 * unknown tools, bad arguments, denials, timeouts and crashes all become
 * tool results the model reads and can react to.
 */
export function runToolCalls(
  runtime: ToolRuntime,
  tools: ToolSet,
  calls: ToolCallRequest[],
  scope: ToolRunScope,
  hooks: ToolRunHooks,
  signal: AbortSignal,
  /** When set, no call runs: each is answered with this error (step limit). */
  refuse?: string,
): Promise<ToolOutcome[]> {
  return Promise.all(
    calls.map((call) =>
      runOne({ runtime, call, scope, emit: hooks.emit, hooks, signal }, tools, refuse),
    ),
  );
}

async function runOne(run: Run, tools: ToolSet, refuse: string | undefined): Promise<ToolOutcome> {
  const { call, emit } = run;
  const { responseId } = run.scope;
  const begin = performance.now();
  const { args, tool, error, reason } = checkCall(tools, call, refuse);
  let announced = false;
  const announce = () => {
    announced = true;
    emit({ type: 'tool.started', responseId, toolCallId: call.id, name: call.name, args });
  };

  let step: Step;
  if (error !== null || !tool) {
    step = failed(error ?? 'The tool failed', 'error', reason);
  } else {
    const refusal = tool.needsApproval ? await askApproval(run, args) : null;
    if (refusal) {
      step = refusal;
    } else {
      announce();
      step = await execute(run, tool, args);
    }
  }

  const durationMs = Math.round(performance.now() - begin);
  // A call that never ran still shows up as started, unless the user stopped it.
  if (!announced && step.status !== 'denied' && step.status !== 'cancelled') announce();
  const completed = emit({
    type: 'tool.completed',
    responseId,
    toolCallId: call.id,
    name: call.name,
    status: step.status === 'ok' ? 'ok' : 'error',
    ...(step.status === 'ok'
      ? { result: step.result }
      : { error: step.error ?? 'The tool failed', reason: step.reason ?? 'tool_error' }),
    durationMs,
  });
  return {
    call,
    args,
    status: step.status,
    result: step.result,
    error: step.error,
    ...(step.status === 'ok' ? {} : { reason: step.reason ?? 'tool_error' }),
    durationMs,
    content: contentFor(step.status, step.result, step.error, step.reason),
    seq: completed.seq,
  };
}

/** Parses and validates a call; `error` is what the model reads when it cannot run. */
function checkCall(
  tools: ToolSet,
  call: ToolCallRequest,
  refuse: string | undefined,
): { args: unknown; tool?: ResolvedTool; error: string | null; reason?: ToolFailureReason } {
  let args: unknown;
  try {
    args = JSON.parse(call.argsJson || '{}') as unknown;
  } catch {
    return {
      args: { raw: call.argsJson },
      error: 'The arguments are not valid JSON; send a JSON object that matches the tool schema.',
      reason: 'invalid_arguments',
    };
  }
  if (refuse) return { args, error: refuse };
  const tool = tools.get(call.name);
  if (!tool) {
    const names = (tools.specs() ?? []).map((s) => s.name).join(', ') || 'none';
    return {
      args,
      error: `There is no tool named "${call.name}". Available tools: ${names}.`,
      reason: 'unknown_tool',
    };
  }
  const problems = schemaProblems(tool.def.parameters, args);
  if (problems.length) {
    return {
      args,
      tool,
      error: `Invalid arguments for ${call.name}: ${problems.join('; ')}. Fix them and call the tool again.`,
      reason: 'invalid_arguments',
    };
  }
  return { args, tool, error: null };
}

/** Pauses on `tool.approval_requested`; null when approved, the refusal otherwise. */
async function askApproval(run: Run, args: unknown): Promise<Step | null> {
  const { runtime, call, scope, emit } = run;
  const { responseId, ...where } = scope;
  // A client that drops now doesn't cancel the turn.
  run.hooks.awaitingHuman(1);
  const answer = await waitForAnswer<{ approved: boolean }>(
    runtime,
    {
      ...where,
      kind: 'approval',
      toolCallId: call.id,
      name: call.name,
      args,
      requestedAt: new Date(runtime.clock.now()).toISOString(),
    },
    runtime.approvalTimeoutMs,
    run.signal,
    () =>
      emit({
        type: 'tool.approval_requested',
        responseId,
        toolCallId: call.id,
        name: call.name,
        args,
      }),
  ).finally(() => run.hooks.awaitingHuman(-1));
  if (answer.answered) {
    return answer.value.approved === true
      ? null
      : failed('The user denied this tool call', 'denied', 'denied');
  }
  return answer.reason === 'cancelled'
    ? failed(CANCELLED, 'cancelled', 'cancelled')
    : failed('Nobody approved this tool call in time, so it was not run', 'denied', 'denied');
}

function execute(run: Run, tool: ResolvedTool, args: unknown): Promise<Step> {
  return tool.kind === 'client' ? onClient(run, tool, args) : onServer(run, tool, args);
}

/** Sends `tool.call` and waits for the SDK/widget to post the result. */
async function onClient(run: Run, tool: ResolvedTool, args: unknown): Promise<Step> {
  const { runtime, call, scope, emit } = run;
  const answer = await waitForAnswer<ClientToolAnswer>(
    runtime,
    { ...scope, kind: 'client', toolCallId: call.id, name: call.name },
    tool.timeoutMs,
    run.signal,
    () =>
      emit({
        type: 'tool.call',
        responseId: scope.responseId,
        toolCallId: call.id,
        name: call.name,
        args,
      }),
  );
  if (!answer.answered) {
    return answer.reason === 'cancelled'
      ? failed(CANCELLED, 'cancelled', 'cancelled')
      : failed('The client did not answer in time', 'timeout', 'timeout');
  }
  const a = answer.value;
  return a.error === undefined
    ? { status: 'ok', result: a.result ?? null, error: null }
    : failed(a.error);
}

async function onServer(run: Run, tool: ResolvedTool, args: unknown): Promise<Step> {
  const { runtime, call, scope, emit } = run;
  const log = runtime.log.child({
    tool: call.name,
    toolCallId: call.id,
    tenantId: scope.tenantId,
    conversationId: scope.conversationId,
    responseId: scope.responseId,
  });
  let finished = false;
  const step = await executeWithLimits(
    runtime.clock,
    tool,
    args,
    {
      tenantId: scope.tenantId,
      userId: scope.userId,
      conversationId: scope.conversationId,
      toolCallId: call.id,
      log,
      config: tool.config,
      fetch: runtime.fetch,
      progress: (p, note) => {
        if (finished) return; // a tool that reports after its end is ignored
        emit({
          type: 'tool.progress',
          responseId: scope.responseId,
          toolCallId: call.id,
          progress: Math.min(1, Math.max(0, Number(p) || 0)),
          ...(note ? { note } : {}),
        });
      },
    },
    run.signal,
  );
  finished = true;
  // The full error (host, address, vendor body) is for operators only.
  if (step.status === 'error' || step.status === 'timeout') {
    log.warn({ err: step.cause ?? step.error, reason: step.reason }, 'tool failed');
  }
  return step;
}
