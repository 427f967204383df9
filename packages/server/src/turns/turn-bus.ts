import type { ParleyEvent } from '@parley/sdk/protocol';
import { isTerminalEvent } from '@parley/sdk/protocol';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { Owner } from '../db/scoped.js';
import type { PubSub, Unsubscribe } from '../infra/pubsub.js';
import type { EventSink, TurnEventLog } from './turn-event-log.js';

/**
 * Turns between instances. A turn's events stay in the memory of the
 * process that runs it; another instance that needs them (a client resumed
 * there, a second tab) asks the owner, by its instance channel, to mirror
 * the turn onto the conversation's channel: first what the asker has not
 * seen, then every live event, batched per tick. Nothing is published for a
 * turn nobody follows elsewhere. Cancels travel the same way.
 */
type Control =
  | { t: 'mirror'; conversationId: string; afterSeq: number; tenantId: string; userId: string }
  | { t: 'cancel'; conversationId: string; tenantId: string; userId: string };

/**
 * On a conversation's channel: events, word that the owner has no such
 * turn, or that a turn has just started (on the named instance).
 */
type Mirrored = { events: ParleyEvent[]; ended: boolean } | { gone: true } | { started: string };

export interface LocalTurns {
  /** The log of a running (or recently ended) turn of this owner, in this process. */
  logOf(owner: Owner, conversationId: string): TurnEventLog | undefined;
  cancelLocal(owner: Owner, conversationId: string): boolean;
}

export type FollowEnd = 'ended' | 'gone' | 'timeout';

const controlChannel = (instanceId: string) => `turns:i:${instanceId}`;
const eventChannel = (conversationId: string) => `turns:c:${conversationId}`;

export class TurnBus {
  private stopControl: Unsubscribe | null = null;
  /** Turns this process mirrors, so a second asker does not attach a second mirror. */
  private readonly mirroring = new Set<TurnEventLog>();

  constructor(
    private readonly deps: { pubsub: PubSub; clock: Clock; log: Logger; instanceId: string },
    private readonly local: LocalTurns,
  ) {}

  async start(): Promise<() => Promise<void>> {
    this.stopControl = await this.deps.pubsub.subscribe(
      controlChannel(this.deps.instanceId),
      (raw) => this.onControl(raw),
    );
    return async () => {
      await this.stopControl?.();
      this.stopControl = null;
    };
  }

  /** Asks the instance that runs a turn to stop it (its owner is checked there). */
  async cancelRemote(instanceId: string, owner: Owner, conversationId: string): Promise<void> {
    const msg: Control = { t: 'cancel', conversationId, ...owner };
    await this.deps.pubsub.publish(controlChannel(instanceId), JSON.stringify(msg));
  }

  /**
   * Follows a turn running on `instanceId`: events after `afterSeq` go to
   * `sink` in seq order, each once. Resolves when the turn's last event has
   * been delivered, when the owner says it has no such turn, or when the
   * owner does not answer within `answerMs` (it died: its lease will lapse).
   */
  async follow(
    instanceId: string,
    owner: Owner,
    conversationId: string,
    afterSeq: number,
    sink: EventSink,
    answerMs = 2000,
  ): Promise<{ end: Promise<FollowEnd>; stop: () => Promise<void> }> {
    let last = afterSeq;
    let settle!: (e: FollowEnd) => void;
    const end = new Promise<FollowEnd>((resolve) => (settle = resolve));
    let answered = false;
    const unsubscribe = await this.deps.pubsub.subscribe(eventChannel(conversationId), (raw) => {
      const msg = JSON.parse(raw) as Mirrored;
      if ('started' in msg) return;
      answered = true;
      if ('gone' in msg) return settle('gone');
      for (const e of msg.events) {
        if (e.seq <= last) continue; // a replay for another asker, or a repeat
        last = e.seq;
        sink.emit(e);
      }
      if (msg.ended) settle('ended');
    });
    const timer = this.deps.clock.setTimeout(() => {
      if (!answered) settle('timeout');
    }, answerMs);
    const ask: Control = { t: 'mirror', conversationId, afterSeq, ...owner };
    await this.deps.pubsub.publish(controlChannel(instanceId), JSON.stringify(ask));
    const stop = async (): Promise<void> => {
      this.deps.clock.clearTimeout(timer);
      settle('ended');
      await unsubscribe();
    };
    void end.then(stop);
    return { end, stop };
  }

  /** Tells watchers of the conversation, here and on other instances, that a turn started. */
  announce(conversationId: string): Promise<void> {
    return this.publish(conversationId, { started: this.deps.instanceId });
  }

  /** Calls `onStart` whenever a turn of the conversation starts, on any instance. */
  watch(conversationId: string, onStart: () => void): Promise<Unsubscribe> {
    return this.deps.pubsub.subscribe(eventChannel(conversationId), (raw) => {
      if (raw.startsWith('{"started":')) onStart();
    });
  }

  private onControl(raw: string): void {
    let msg: Control;
    try {
      msg = JSON.parse(raw) as Control;
    } catch {
      return;
    }
    const owner = { tenantId: msg.tenantId, userId: msg.userId };
    if (msg.t === 'cancel') {
      this.local.cancelLocal(owner, msg.conversationId);
      return;
    }
    const log = this.local.logOf(owner, msg.conversationId);
    if (!log) {
      void this.publish(msg.conversationId, { gone: true });
      return;
    }
    if (this.mirroring.has(log) || log.isEnded) {
      void this.publish(msg.conversationId, {
        events: log.since(msg.afterSeq),
        ended: log.isEnded,
      });
      return;
    }
    this.mirroring.add(log);
    const batch: ParleyEvent[] = [];
    let scheduled = false;
    let ended = false;
    const flush = (): void => {
      scheduled = false;
      if (batch.length === 0) return;
      void this.publish(msg.conversationId, { events: batch.splice(0), ended });
    };
    // The replay and the live events leave in one ordered stream of batches.
    log.subscribe(
      {
        emit: (e) => {
          batch.push(e);
          if (isTerminalEvent(e)) {
            ended = true;
            flush();
            this.mirroring.delete(log);
          } else if (!scheduled) {
            scheduled = true;
            setImmediate(flush);
          }
        },
      },
      msg.afterSeq,
    );
    // Always answer, even with nothing new, so the asker knows the owner is alive.
    if (batch.length === 0) void this.publish(msg.conversationId, { events: [], ended: false });
    else flush();
  }

  private async publish(conversationId: string, msg: Mirrored): Promise<void> {
    try {
      await this.deps.pubsub.publish(eventChannel(conversationId), JSON.stringify(msg));
    } catch (err) {
      this.deps.log.warn({ err, conversationId }, 'turn mirror publish failed');
    }
  }
}
