import type { ChatState } from './chat-state.js';

/**
 * What the chat is doing, as one word. The panel exposes it as `data-state`
 * so tests (and host pages) wait on the state instead of on time:
 * `loading` the thread, `streaming` a turn (until its stream has closed),
 * `interrupted` (an answer was cut off; Retry asks again), `error`
 * (anything else went wrong), or `idle`.
 */
export type ChatPhase = 'idle' | 'loading' | 'streaming' | 'interrupted' | 'error';

export function chatPhase(state: ChatState): ChatPhase {
  if (state.busy) return 'streaming';
  if (state.loadingHistory) return 'loading';
  if (!state.error) return 'idle';
  const last = state.items[state.items.length - 1];
  return last?.role === 'assistant' && last.status === 'incomplete' ? 'interrupted' : 'error';
}
