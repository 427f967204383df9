import { randomUUID } from 'node:crypto';
import { DomainError, notFound } from '../errors/domain-error.js';
import { EMPTY_RECALL } from '../memory/recall.js';
import { RunningTurn, SEQ_BLOCK } from './running-turn.js';
import type { Clock, TimerHandle } from '../clock/clock.js';
import type { Owner } from '../db/scoped.js';
import { followConversation } from './follow-turn.js';
import { watchConversation } from './watch-conversation.js';
import { isUuid } from '../http/routing/route.js';
import { TurnBus } from './turn-bus.js';
import { FinishRetrier } from './finish-retrier.js';
import type { EventSink, TurnEventLog } from './turn-event-log.js';
import { beginTurn, historyFor } from './turn-statements.js';
import type { TurnInput, TurnRunnerDeps } from './turn-types.js';

const MAX_RETAINED = 500;

const sameOwner = (turn: RunningTurn, owner: Owner): boolean =>
  turn.input.tenantId === owner.tenantId && turn.input.userId === owner.userId;

/**
 * Starts turns and knows the ones running in this process. Everything that
 * can refuse a turn happens in `start`, before any event exists, so each
 * transport can answer with a proper status: limits (one Redis call), then
 * ownership + duplicate + lease + user message + history (one statement),
 * with memory recall beside it.
 */
export class TurnRunner {
  private readonly turns = new Map<string, RunningTurn>();
  /** Finished turns' events, newest last, for clients that resume a moment late. */
  private readonly retained = new Map<string, { turn: RunningTurn; until: number }>();
  readonly bus: TurnBus;
  /** Final statements waiting for the database to come back. */
  readonly finishes: FinishRetrier;
  /** Set by `drain`: no new turn starts here. */
  draining = false;

  constructor(private readonly deps: TurnRunnerDeps) {
    this.finishes = new FinishRetrier(deps);
    this.bus = new TurnBus(deps, {
      logOf: (owner, id) => this.logOf(owner, id),
      cancelLocal: (owner, id) => this.cancelLocal(owner, id),
    });
  }

  /** The app's clock: transports coalesce and heartbeat on it. */
  get clock(): Clock {
    return this.deps.clock;
  }

  /** Listens for other instances' requests (mirror, cancel); returns the stop function. */
  listen(): Promise<() => Promise<void>> {
    return this.bus.start();
  }

  /** `signal`: a cancel that arrives while the turn is being prepared means it never starts. */
  async start(input: TurnInput, signal?: AbortSignal): Promise<RunningTurn> {
    const { deps } = this;
    if (!isUuid(input.conversationId)) throw notFound('Conversation');
    if (this.draining) {
      throw new DomainError(
        'service_unavailable',
        'This server is restarting; please try again',
        { retryAfter: 1 },
        { 'Retry-After': '1' },
      );
    }
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
      retryFinish: (attempt) => this.finishes.add(attempt),
    });
    this.turns.set(input.conversationId, turn);
    void this.bus.announce(input.conversationId);
    void turn.done.finally(() => {
      if (this.turns.get(input.conversationId) === turn) this.turns.delete(input.conversationId);
      this.retain(turn);
    });
    return turn;
  }

  /** The turn running in this process for a conversation, if any. */
  running(conversationId: string): RunningTurn | undefined {
    return this.turns.get(conversationId);
  }

  /**
   * Stops the owner's running turn, wherever it runs: here, or on the
   * instance that holds its lease. False when no turn is in flight.
   */
  async cancel(owner: Owner, conversationId: string): Promise<boolean> {
    if (!isUuid(conversationId)) throw notFound('Conversation');
    if (this.cancelLocal(owner, conversationId)) return true;
    const state = await this.deps.replay(owner).turnState(conversationId);
    if (!state) throw notFound('Conversation');
    if (!state.live || !state.instanceId || state.instanceId === this.deps.instanceId) return false;
    await this.bus.cancelRemote(state.instanceId, owner, conversationId);
    return true;
  }

  /**
   * The seq to follow from to read the running answer from its start (its
   * user message's seq), wherever it runs; null when no answer is running.
   */
  async runningAnswerFrom(owner: Owner, conversationId: string): Promise<number | null> {
    if (!isUuid(conversationId)) throw notFound('Conversation');
    const local = this.turns.get(conversationId);
    if (local && sameOwner(local, owner)) return local.events.firstSeq;
    const state = await this.deps.replay(owner).turnState(conversationId);
    if (!state) throw notFound('Conversation');
    return state.live && state.latestUserSeq !== null ? state.latestUserSeq : null;
  }

  /** Everything after `afterSeq`, stored then live, from wherever the turn runs (follow-turn.ts). */
  follow(
    owner: Owner,
    conversationId: string,
    afterSeq: number,
    sink: EventSink,
    onStored?: (storedUpTo: number) => void,
  ) {
    return followConversation(
      {
        replay: this.deps.replay,
        local: (o, id) => this.logOf(o, id),
        bus: this.bus,
        instanceId: this.deps.instanceId,
      },
      owner,
      conversationId,
      afterSeq,
      sink,
      onStored,
    );
  }

  /** A second tab: what follows `afterSeq`, then every later turn, live, until stopped. */
  watch(
    owner: Owner,
    conversationId: string,
    afterSeq: number,
    sink: EventSink,
    onStored?: (storedUpTo: number) => void,
  ) {
    return watchConversation(
      {
        follow: (o, id, after, s, stored) => this.follow(o, id, after, s, stored),
        watch: (id, onStart) => this.bus.watch(id, onStart),
      },
      owner,
      conversationId,
      afterSeq,
      sink,
      onStored,
    );
  }

  private cancelLocal(owner: Owner, conversationId: string): boolean {
    const turn = this.turns.get(conversationId);
    if (!turn || !sameOwner(turn, owner)) return false;
    turn.cancel();
    return true;
  }

  private logOf(owner: Owner, conversationId: string): TurnEventLog | undefined {
    const turn = this.turns.get(conversationId) ?? this.liveRetained(conversationId)?.turn;
    return turn && sameOwner(turn, owner) ? turn.events : undefined;
  }

  private liveRetained(conversationId: string) {
    const r = this.retained.get(conversationId);
    if (r && r.until <= this.deps.clock.now()) this.retained.delete(conversationId);
    return r && r.until > this.deps.clock.now() ? r : undefined;
  }

  private retain(turn: RunningTurn): void {
    this.retained.delete(turn.conversationId);
    this.retained.set(turn.conversationId, {
      turn,
      until: this.deps.clock.now() + this.deps.retainMs,
    });
    // Bounded: the oldest go first (a Map iterates in insertion order).
    for (const [id, r] of this.retained) {
      if (this.retained.size <= MAX_RETAINED && r.until > this.deps.clock.now()) break;
      this.retained.delete(id);
    }
  }

  get size(): number {
    return this.turns.size;
  }

  /**
   * Graceful shutdown: no new turns; running ones get until `deadlineMs` to
   * finish, then each stores what it has as incomplete and tells its client
   * to send again (a retryable `response.failed`). Resolves when all are stored.
   */
  async drain(deadlineMs: number): Promise<{ finished: number; interrupted: number }> {
    this.draining = true;
    const running = [...this.turns.values()];
    const all = Promise.all(running.map((t) => t.done.catch(() => undefined)));
    let timer: TimerHandle | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = this.deps.clock.setTimeout(resolve, deadlineMs);
    });
    await Promise.race([all, deadline]);
    this.deps.clock.clearTimeout(timer);
    const left = [...this.turns.values()];
    for (const t of left) t.shutdown();
    await Promise.all(left.map((t) => t.done.catch(() => undefined)));
    // What could not be stored by now stays with its lease, which lapses on its own.
    this.finishes.stop();
    return { finished: running.length - left.length, interrupted: left.length };
  }
}
