import type { Recalled } from './recalled.js';
import type { ToolRow } from './tool-rows.js';

/** One bubble in the thread, as the UI shows it. */
export interface ChatItem {
  /** Stable render key: the server id once known, a local id before. */
  key: string;
  role: 'user' | 'assistant';
  text: string;
  /** `sending`: not yet accepted by the server; `streaming`: answer arriving. */
  status: 'sending' | 'streaming' | 'complete' | 'incomplete';
  /** Answered by the offline provider: no model was involved. */
  offline: boolean;
  /** Memories and past messages the server recalled for this answer ("Remembered: …"). */
  recalled?: Recalled;
  /** Tools the agent used (or asks to use) for this answer, in order. */
  tools?: ToolRow[];
}

export interface ChatError {
  message: string;
  /** Repeats what failed: resends the message, or reloads the thread. */
  retry: () => void;
  /** Retry stays disabled until this time (ms since epoch): rate limits. */
  retryAt?: number;
}

export interface ChatState {
  open: boolean;
  items: ChatItem[];
  /** The composer's text. It lives here so a failed send can put it back. */
  draft: string;
  /** A turn is in flight. */
  busy: boolean;
  /** Waiting for the first word of the answer. */
  typing: boolean;
  /** What the agent is doing right now, e.g. "Using get_weather…". */
  activity: string | null;
  /** The latest answer came from the offline provider. */
  offline: boolean;
  loadingHistory: boolean;
  error: ChatError | null;
  /** The "What I remember about you" view is open. */
  memoryView: MemoryView | null;
}

export interface MemoryView {
  /** null while loading. */
  memories: { id: string; text: string }[] | null;
  error: string | null;
  /** "Forget everything" was pressed once and waits for confirmation. */
  confirming: boolean;
}

export const initialState = (open: boolean): ChatState => ({
  open,
  items: [],
  draft: '',
  busy: false,
  typing: false,
  activity: null,
  offline: false,
  loadingHistory: false,
  error: null,
  memoryView: null,
});
