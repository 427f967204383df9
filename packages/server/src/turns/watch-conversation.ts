import type { ParleyEvent } from '@parley/sdk/protocol';
import type { Owner } from '../db/scoped.js';
import type { Following } from './follow-turn.js';
import type { EventSink } from './turn-event-log.js';

export interface WatchDeps {
  follow(
    owner: Owner,
    conversationId: string,
    afterSeq: number,
    sink: EventSink,
    onStored?: (storedUpTo: number) => void,
  ): Promise<Following>;
  /** Calls back whenever a turn of the conversation starts, on any instance. */
  watch(conversationId: string, onStart: () => void): Promise<() => Promise<void>>;
}

/**
 * A second tab: everything after `afterSeq`, then every later turn of the
 * conversation as it happens, wherever it runs, until `stop()`. Each turn is
 * followed like a resume (stored, then live), from the last seq sent, so
 * nothing is sent twice and nothing is missed between two turns.
 */
export async function watchConversation(
  deps: WatchDeps,
  owner: Owner,
  conversationId: string,
  afterSeq: number,
  sink: EventSink,
  onStored?: (storedUpTo: number) => void,
): Promise<Following> {
  let last = afterSeq;
  const counted: EventSink = {
    emit(e: ParleyEvent) {
      if (e.seq <= last) return;
      last = e.seq;
      sink.emit(e);
    },
  };
  let stopped = false;
  let started = false; // a turn started since the current follow began
  let wake: (() => void) | null = null;
  // Listen before the first follow: a turn that starts meanwhile is not missed.
  const unwatch = await deps.watch(conversationId, () => {
    started = true;
    wake?.();
  });
  let current: Following;
  try {
    current = await deps.follow(owner, conversationId, last, counted, onStored);
  } catch (err) {
    await unwatch();
    throw err;
  }
  const storedUpTo = current.storedUpTo;
  const done = (async () => {
    for (;;) {
      await current.done;
      if (stopped) return;
      if (!started) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      if (stopped) return;
      started = false;
      try {
        current = await deps.follow(owner, conversationId, last, counted);
      } catch {
        return; // the conversation is gone (deleted): nothing more will come
      }
    }
  })();
  return {
    storedUpTo,
    done,
    async stop() {
      stopped = true;
      wake?.();
      await current.stop();
      await unwatch();
      await done;
    },
  };
}
