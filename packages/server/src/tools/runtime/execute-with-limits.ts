import type { Clock, TimerHandle } from '../../clock/clock.js';
import type { ToolContext } from '../define-tool.js';
import type { ResolvedTool } from '../tool-set.js';
import type { ToolFailureReason } from '@parley/sdk/protocol';
import { describeToolFailure, serviceLabel } from './tool-failure.js';
import type { ExecutionStatus } from './tool-outcome.js';

class ToolTimeout extends Error {}

/**
 * Runs `execute` under the tool's timeout and the turn's abort signal. A
 * tool that ignores its signal still ends here on time (its promise is left
 * behind). Never throws: failures come back as a status and a message.
 */
export async function executeWithLimits(
  clock: Clock,
  tool: ResolvedTool,
  args: unknown,
  ctx: Omit<ToolContext, 'signal'>,
  turnSignal: AbortSignal,
): Promise<{
  status: ExecutionStatus;
  result: unknown;
  error: string | null;
  reason?: ToolFailureReason;
  /** The raw error, for the server log only. */
  cause?: unknown;
}> {
  const controller = new AbortController();
  const stop = (reason: unknown) => controller.abort(reason);
  const onTurnAbort = () => stop(turnSignal.reason);
  turnSignal.addEventListener('abort', onTurnAbort, { once: true });
  let timer: TimerHandle | undefined;
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), {
      once: true,
    });
  });
  aborted.catch(() => {}); // also rejects after a normal finish, when nobody listens
  try {
    if (turnSignal.aborted) onTurnAbort();
    if (tool.def.ready) await Promise.race([tool.def.ready(), aborted]);
    timer = clock.setTimeout(
      () => stop(new ToolTimeout(`The tool did not finish within ${tool.timeoutMs} ms`)),
      tool.timeoutMs,
    );
    const result = await Promise.race([
      Promise.resolve().then(() => tool.def.execute(args, { ...ctx, signal: controller.signal })),
      aborted,
    ]);
    // A result the model cannot read is an error, not a crash later on.
    return {
      status: 'ok',
      result: JSON.parse(JSON.stringify(result ?? null)) as unknown,
      error: null,
    };
  } catch (err) {
    const reason = controller.signal.reason as unknown;
    if (reason instanceof ToolTimeout)
      return { status: 'timeout', result: null, error: reason.message, reason: 'timeout' };
    if (turnSignal.aborted) {
      const error = 'The user cancelled the response';
      return { status: 'cancelled', result: null, error, reason: 'cancelled' };
    }
    const failure = describeToolFailure(err, serviceLabel(tool.def));
    return {
      status: 'error',
      result: null,
      error: failure?.message ?? messageOf(err),
      reason: failure?.reason ?? 'tool_error',
      cause: err,
    };
  } finally {
    clock.clearTimeout(timer);
    turnSignal.removeEventListener('abort', onTurnAbort);
    if (!controller.signal.aborted) controller.abort(new Error('tool call finished'));
  }
}

function messageOf(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.slice(0, 1000) || 'The tool failed';
}
