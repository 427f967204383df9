import { randomUUID } from 'node:crypto';
import { DomainError, notFound } from '../errors/domain-error.js';
import { EMPTY_RECALL } from '../memory/recall.js';
import { RunningTurn, SEQ_BLOCK } from './running-turn.js';
import { beginTurn, historyFor } from './turn-statements.js';
import type { TurnInput, TurnRunnerDeps } from './turn-types.js';

/**
 * Starts turns and knows the ones running in this process. Everything that
 * can refuse a turn happens in `start`, before any event exists, so each
 * transport can answer with a proper status: limits (one Redis call), then
 * ownership + duplicate + lease + user message + history (one statement),
 * with memory recall beside it.
 */
export class TurnRunner {
  private readonly turns = new Map<string, RunningTurn>();

  constructor(private readonly deps: TurnRunnerDeps) {}

  /** `signal`: a cancel that arrives while the turn is being prepared means it never starts. */
  async start(input: TurnInput, signal?: AbortSignal): Promise<RunningTurn> {
    const { deps } = this;
    const tenant = await deps.tenants.get(input.tenantId);
    if (!tenant) throw notFound('Conversation');
    const owner = { tenantId: input.tenantId, userId: input.userId };
    const [limitHeaders, tools] = await Promise.all([
      deps.limits(owner, tenant),
      deps.tools.forTurn(tenant, input.clientTools),
    ]);
    if (signal?.aborted) {
      // Cancelled before it began: nothing is stored — but a stranger still learns nothing.
      if (!(await deps.owns(owner, input.conversationId))) throw notFound('Conversation');
      throw new DomainError('cancelled', 'The response was cancelled before it began');
    }
    const responseId = randomUUID();
    // Recall reads only: it runs beside the statement and is dropped if the turn is refused.
    const recall = deps.memory.recall(tenant, input).catch(() => EMPTY_RECALL);
    const begun = await beginTurn(deps.sql, {
      conversationId: input.conversationId,
      tenantId: input.tenantId,
      userId: input.userId,
      clientMessageId: input.clientMessageId ?? null,
      instanceId: deps.instanceId,
      leaseMs: deps.leaseMs,
      seqBlock: SEQ_BLOCK,
      content: input.content,
      userMessageId: randomUUID(),
      responseId,
      historyRows: deps.historyRows,
    });
    switch (begun.kind) {
      case 'not_found':
        throw notFound('Conversation');
      case 'duplicate':
        throw new DomainError('conflict', 'A message with this clientMessageId was already sent', {
          messageId: begun.messageId,
        });
      case 'busy':
        throw new DomainError(
          'conversation_busy',
          'A response is already being generated in this conversation',
        );
      case 'started':
        break;
    }
    const turn = new RunningTurn(deps, input, {
      fence: {
        ...owner,
        conversationId: input.conversationId,
        leaseToken: begun.leaseToken,
        responseId,
      },
      userSeq: begun.userSeq,
      seqCeiling: begun.seqCeiling,
      userMessage: begun.userMessage,
      history: historyFor(begun.history, deps.historyTokens),
      tenant,
      tools,
      recall,
      limitHeaders,
    });
    this.turns.set(input.conversationId, turn);
    void turn.done.finally(() => {
      if (this.turns.get(input.conversationId) === turn) this.turns.delete(input.conversationId);
    });
    return turn;
  }

  /** The turn running in this process for a conversation, if any. */
  running(conversationId: string): RunningTurn | undefined {
    return this.turns.get(conversationId);
  }

  cancel(conversationId: string): boolean {
    const turn = this.turns.get(conversationId);
    turn?.cancel();
    return Boolean(turn);
  }

  get size(): number {
    return this.turns.size;
  }

  /** Ends every running turn (shutdown): each stores what it has and sends its last event. */
  async stopAll(reason = 'server shutting down'): Promise<void> {
    const running = [...this.turns.values()];
    for (const t of running) t.cancel(reason);
    await Promise.all(running.map((t) => t.done.catch(() => undefined)));
  }
}
