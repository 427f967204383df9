import type { ParleyEvent } from '@parley/sdk/protocol';
import { isTerminalEvent } from '@parley/sdk/protocol';
import type { Owner } from '../db/scoped.js';
import { notFound } from '../errors/domain-error.js';
import { isUuid } from '../http/routing/route.js';
import type { ReplayStore } from '../stores/replay-store.js';
import type { TurnBus } from './turn-bus.js';
import type { EventSink, TurnEventLog } from './turn-event-log.js';

export interface FollowDeps {
  replay(owner: Owner): ReplayStore;
  local(owner: Owner, conversationId: string): TurnEventLog | undefined;
  bus: TurnBus;
  instanceId: string;
}

export interface Following {
  /** Seq of the last stored message replayed (before any live event). */
  storedUpTo: number;
  /** Resolves when nothing more will come: the live turn ended, or there was none. */
  done: Promise<void>;
  stop(): Promise<void>;
}

const REPLAY_LIMIT = 500;

/**
 * Resume: everything of a conversation after `afterSeq`, each event once, in
 * seq order, on any instance — stored messages from the database, then the
 * latest turn's events from wherever it runs (this process, or the owner
 * instance mirroring them over Redis), live until its last event.
 */
export async function followConversation(
  deps: FollowDeps,
  owner: Owner,
  conversationId: string,
  afterSeq: number,
  sink: EventSink,
  /** Called once the stored part is sent, before the latest turn's events. */
  onStored: (storedUpTo: number) => void = () => {},
): Promise<Following> {
  if (!isUuid(conversationId)) throw notFound('Conversation');
  const store = deps.replay(owner);
  let last = afterSeq;
  const emit = (e: ParleyEvent): void => {
    if (e.seq <= last) return;
    last = e.seq;
    sink.emit(e);
  };
  const storedUntil = async (beforeSeq: number | null): Promise<void> => {
    for (;;) {
      const batch = await store.messages(conversationId, last, beforeSeq, REPLAY_LIMIT);
      for (const message of batch) {
        emit({ type: 'message.created', conversationId, seq: message.seq, message });
      }
      if (batch.length < REPLAY_LIMIT) return;
    }
  };

  const local = deps.local(owner, conversationId);
  if (local) {
    await storedUntil(local.firstSeq);
    const storedUpTo = last;
    onStored(storedUpTo);
    let unsubscribe = (): boolean => true;
    const done = new Promise<void>((resolve) => {
      unsubscribe = local.subscribe(
        {
          emit: (e) => {
            emit(e);
            if (isTerminalEvent(e)) resolve();
          },
        },
        last,
      ) as () => boolean;
      if (local.isEnded) resolve();
    });
    return { storedUpTo, done, stop: async () => void unsubscribe() };
  }

  const state = await store.turnState(conversationId);
  if (!state) throw notFound('Conversation');
  const elsewhere =
    state.instanceId !== null &&
    state.instanceId !== deps.instanceId &&
    (state.live || state.recent) &&
    state.latestUserSeq !== null;
  if (!elsewhere) {
    await storedUntil(null);
    onStored(last);
    return { storedUpTo: last, done: Promise.resolve(), stop: async () => {} };
  }
  await storedUntil(state.latestUserSeq);
  const storedUpTo = last;
  onStored(storedUpTo);
  const remote = await deps.bus.follow(state.instanceId!, owner, conversationId, last, {
    emit,
  });
  const done = remote.end.then(async (how) => {
    // The owner is gone or kept nothing: what the database has is all there is.
    if (how !== 'ended') await storedUntil(null);
  });
  return { storedUpTo, done, stop: remote.stop };
}
