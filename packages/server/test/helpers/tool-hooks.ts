import type { ParleyEvent } from '@parley/sdk/protocol';
import type { ToolRunHooks } from '../../src/tools/runtime/run-tool-calls.js';
import type { TurnEventInput } from '../../src/turns/turn-event-log.js';

/** Hooks for running tools outside a turn: events are collected and numbered like a turn would. */
export function collectingHooks(
  events: ParleyEvent[] = [],
): ToolRunHooks & { events: ParleyEvent[] } {
  return {
    events,
    emit(e: TurnEventInput) {
      const event = { ...e, conversationId: 'c', seq: events.length + 1 } as ParleyEvent;
      events.push(event);
      return event;
    },
    awaitingHuman() {},
  };
}
