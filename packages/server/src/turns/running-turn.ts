import type { ErrorBody, Message, ParleyEvent } from '@parley/sdk/protocol';
import type { Clock } from '../clock/clock.js';
import { EMPTY_RECALL } from '../memory/recall.js';
import type { RecallResult } from '../memory/recall.js';
import type { ChatMessage } from '../providers/provider.js';
import type { CachedTenant } from '../tenants/tenant-cache.js';
import type { ToolOutcome } from '../tools/runtime/tool-outcome.js';
import type { ToolSet } from '../tools/tool-set.js';
import type { LoopResult } from '../agent/tool-loop.js';
import { generateWithTools } from '../agent/tool-loop.js';
import { LeaseKeeper } from './lease-keeper.js';
import { recordToolRound } from './record-tool-round.js';
import type { EventSink, TurnEventInput } from './turn-event-log.js';
import { TurnEventLog } from './turn-event-log.js';
import type { Fence, FinishInput } from './turn-statements.js';
import { finishTurn } from './turn-statements.js';
import type { FinishAttempt } from './finish-retrier.js';
import type { TurnInput, TurnOutcome, TurnRunnerDeps } from './turn-types.js';

export const SEQ_BLOCK = 1000;

const LEASE_LOST: ErrorBody = {
  code: 'service_unavailable',
  message: 'This answer was interrupted and could not be stored; please send the message again',
  details: { stored: false },
};
const NOT_STORED: ErrorBody = {
  code: 'service_unavailable',
  message: 'The answer could not be stored; please try again shortly',
  details: { stored: false },
};
const RESTARTING: ErrorBody = {
  code: 'service_unavailable',
  message: 'The server restarted before the answer was complete; please send the message again',
  details: { retryable: true },
};
const INTERNAL: ErrorBody = {
  code: 'internal_error',
  message: 'The response could not be completed',
};

export interface StartedTurn {
  fence: Fence;
  userSeq: number;
  seqCeiling: number;
  userMessage: Message;
  history: ChatMessage[];
  tenant: CachedTenant;
  tools: ToolSet;
  recall: Promise<RecallResult>;
  limitHeaders: Record<string, string>;
  /** Runs the final statement later when the database is away now (finish-retrier.ts). */
  retryFinish(attempt: FinishAttempt): void;
}

/**
 * One turn from its first event to its last: it owns the conversation's
 * lease, the seq of every event, cancellation, approvals (a turn waiting
 * for a person survives its client), persistence and usage. Transports only
 * subscribe to `events` and call `cancel` / `clientGone`.
 */
export class RunningTurn {
  readonly events: TurnEventLog;
  readonly done: Promise<TurnOutcome>;
  readonly limitHeaders: Record<string, string>;
  readonly conversationId: string;
  private readonly controller = new AbortController();
  private readonly lease: LeaseKeeper;
  private awaitingHuman = 0;
  private text = '';
  private storedChars = 0;
  private leaseLost = false;
  private shuttingDown = false;

  constructor(
    private readonly deps: TurnRunnerDeps,
    readonly input: TurnInput,
    private readonly started: StartedTurn,
  ) {
    this.conversationId = input.conversationId;
    this.limitHeaders = started.limitHeaders;
    this.events = new TurnEventLog(
      input.conversationId,
      started.userSeq - 1,
      started.seqCeiling,
      () => this.lease.extendSeqs(),
    );
    this.lease = new LeaseKeeper(
      deps,
      started.fence,
      { leaseMs: deps.leaseMs, seqBlock: SEQ_BLOCK },
      {
        checkpoint: () => {
          const text = this.text.slice(this.storedChars);
          const upTo = this.text.length;
          return { text, stored: () => (this.storedChars = Math.max(this.storedChars, upTo)) };
        },
        seqCeiling: (c) => this.events.raiseCeiling(c),
        lost: () => {
          this.leaseLost = true;
          this.controller.abort(new Error('lease lost'));
        },
      },
    );
    this.events.emit({ type: 'message.created', message: started.userMessage });
    this.lease.start();
    this.done = this.run();
  }

  /** The app's clock: transports coalesce and heartbeat on it. */
  get clock(): Clock {
    return this.deps.clock;
  }

  get responseId(): string {
    return this.started.fence.responseId;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The user stopped the answer: the partial text is kept as incomplete. */
  cancel(reason = 'cancelled by user'): void {
    this.controller.abort(new Error(reason));
  }

  /** The server stops before the answer is complete: keep it as incomplete, ask to resend. */
  shutdown(): void {
    this.shuttingDown = true;
    this.controller.abort(new Error('server shutting down'));
  }

  /**
   * The transport that started the turn went away. A network blip must not
   * cost the answer: it goes on for the resume grace, and stops only if by
   * then nobody follows it (a resumed stream, another socket, a mirror) —
   * and never while a person is being asked to approve a tool.
   */
  clientGone(sink?: EventSink): void {
    if (sink) this.events.unsubscribe(sink);
    const stopIfAlone = (): void => {
      if (this.awaitingHuman === 0 && this.events.subscribers === 0) {
        this.cancel('client disconnected');
      }
    };
    if (this.deps.resumeGraceMs <= 0) return stopIfAlone();
    this.deps.clock.setTimeout(stopIfAlone, this.deps.resumeGraceMs);
  }

  private emit = (e: TurnEventInput): ParleyEvent => {
    if (e.type === 'text.delta') this.text += e.delta;
    return this.events.emit(e);
  };

  private async run(): Promise<TurnOutcome> {
    const { deps, started } = this;
    const userMessage = started.userMessage;
    try {
      const recalled = await started.recall.catch(() => EMPTY_RECALL);
      if (recalled.memories.length > 0 || recalled.passages.length > 0) {
        this.emit({
          type: 'memory.recalled',
          responseId: this.responseId,
          ...deps.memory.recalledEvent(recalled),
        });
      }
      const persona = started.tenant.settings.persona ?? deps.defaultPersona;
      const messages: ChatMessage[] = [
        { role: 'system', content: deps.memory.promptSection(persona, recalled) },
        ...started.history,
        { role: 'user', content: this.input.content },
      ];
      const result = await generateWithTools(
        deps.loop,
        {
          models: started.tenant.settings.models,
          recalled: recalled.memories.map((m) => m.text),
          tools: started.tools,
          scope: {
            tenantId: this.input.tenantId,
            userId: this.input.userId,
            conversationId: this.conversationId,
            responseId: this.responseId,
          },
          recordRound: (outcomes) => this.recordRound(outcomes),
        },
        messages,
        this.controller.signal,
        { emit: this.emit, awaitingHuman: (d) => (this.awaitingHuman += d) },
      );
      return await this.finish(result, recalled);
    } catch (err) {
      deps.log.error({ err, conversationId: this.conversationId }, 'turn failed');
      return this.finishAfterCrash(userMessage);
    }
  }

  private async recordRound(outcomes: ToolOutcome[]): Promise<void> {
    const held = await recordToolRound(
      this.deps.knex,
      this.started.fence,
      outcomes.map((outcome) => ({ outcome, seq: outcome.seq })),
    );
    if (!held) {
      this.leaseLost = true;
      this.controller.abort(new Error('lease lost'));
    }
  }

  private async finish(result: LoopResult, recalled: RecallResult): Promise<TurnOutcome> {
    const { userMessage } = this.started;
    await this.lease.stop();
    if (this.leaseLost) return this.end(userMessage, null, LEASE_LOST);
    const failedEmpty = result.error !== null && this.text === '';
    const stored = await this.store({
      text: this.text,
      status: result.error ? 'incomplete' : 'complete',
      keep: !failedEmpty,
      seq: this.events.lastSeq + 1,
      provider: result.provider?.id ?? null,
      model: result.model,
      offline: result.provider?.offline ?? false,
      inputTokens: result.usage?.inputTokens ?? null,
      outputTokens: result.usage?.outputTokens ?? null,
      costUsd: result.costUsd,
      toolCalls: result.toolCalls.length ? result.toolCalls : null,
    });
    if (stored === 'unavailable') return this.end(userMessage, null, NOT_STORED);
    if (stored === 'lost') return this.end(userMessage, null, LEASE_LOST);
    const response = stored.message;
    if (response) this.afterStored(response, result, recalled);
    const error =
      this.shuttingDown && result.error?.code === 'cancelled' ? RESTARTING : result.error;
    return this.end(userMessage, response, error, result);
  }

  /** Something threw: keep what streamed as incomplete, and say so. */
  private async finishAfterCrash(userMessage: Message): Promise<TurnOutcome> {
    await this.lease.stop();
    const stored = await this.store({
      text: this.text,
      status: 'incomplete',
      keep: this.text !== '',
      seq: this.events.lastSeq + 1,
      provider: null,
      model: null,
      offline: false,
      inputTokens: null,
      outputTokens: null,
      costUsd: null,
      toolCalls: null,
    });
    const response = typeof stored === 'object' ? stored.message : null;
    return this.end(userMessage, response, INTERNAL);
  }

  private async store(
    r: FinishInput,
  ): Promise<{ message: Message | null } | 'lost' | 'unavailable'> {
    try {
      const done = await finishTurn(this.deps.sql, this.started.fence, r);
      return done.fenced ? { message: done.message } : 'lost';
    } catch (err) {
      this.deps.log.error({ err, conversationId: this.conversationId }, 'answer not stored');
      this.storeLater(r);
      return 'unavailable';
    }
  }

  /**
   * The final statement again once the database is back: it releases the
   * lease (the conversation is not left busy) and keeps what streamed as
   * incomplete — what a later turn's takeover of a lapsed lease would keep.
   */
  private storeLater(r: FinishInput): void {
    const late: FinishInput = { ...r, status: 'incomplete', keep: r.text !== '' };
    this.started.retryFinish(async () => {
      try {
        const done = await finishTurn(this.deps.sql, this.started.fence, late);
        this.deps.log.info(
          { conversationId: this.conversationId, fenced: done.fenced },
          'turn ended after the database came back',
        );
        return 'done';
      } catch {
        return 'unavailable';
      }
    });
  }

  private afterStored(response: Message, result: LoopResult, recalled: RecallResult): void {
    const { deps, input } = this;
    const owner = { tenantId: input.tenantId, userId: input.userId };
    deps
      .countUsage(owner, {
        messages: 1,
        tokens: (result.usage?.inputTokens ?? 0) + (result.usage?.outputTokens ?? 0),
      })
      .catch((err: unknown) => deps.log.warn({ err }, 'quota counter update failed'));
    deps.memory.extract({
      ...owner,
      conversationId: this.conversationId,
      userMessageId: this.started.userMessage.id,
      assistantMessageId: response.id,
      recalledMemoryIds: recalled.memories.map((m) => m.id),
    });
  }

  /** The last event, sent once the lease is released, so the next message is never "busy". */
  private end(
    userMessage: Message,
    response: Message | null,
    error: ErrorBody | null,
    result?: LoopResult,
  ): TurnOutcome {
    if (error) {
      this.emit({ type: 'response.failed', responseId: this.responseId, error, message: response });
    } else {
      this.emit({
        type: 'response.completed',
        responseId: this.responseId,
        message: response!,
        usage: result?.usage ?? null,
      });
    }
    return { userMessage, response, error };
  }
}
