import type { ParleyEvent } from '@parley/sdk/protocol';

/** What the terminal shows for each protocol event of an answer. */
export function renderEvent(event: ParleyEvent, write: (s: string) => void): void {
  switch (event.type) {
    case 'response.started':
      // The offline provider is no model: say so before its words.
      if (event.offline) write('[offline provider: no model is configured] ');
      return;
    case 'text.delta':
      write(event.delta);
      return;
    case 'memory.recalled':
      if (event.memories.length)
        write(`(remembering: ${event.memories.map((m) => m.text).join('; ')})\n`);
      return;
    case 'tool.started':
      write(`\n  ↳ ${event.name} …`);
      return;
    case 'tool.progress':
      return;
    case 'tool.completed':
      write(
        event.status === 'ok'
          ? ` done (${event.durationMs} ms)\n`
          : ` failed: ${event.error ?? 'error'}\n`,
      );
      return;
    case 'tool.approval_requested':
    case 'tool.call':
      write(`\n  ↳ ${event.name} needs the app (not available in the terminal)\n`);
      return;
    case 'response.completed':
      write('\n');
      return;
    case 'response.failed':
      write(
        event.error.code === 'cancelled'
          ? '\n(stopped)\n'
          : `\n(answer failed: ${event.error.message} [${event.error.code}])\n`,
      );
      return;
    case 'message.created':
      return;
  }
}
