import type { ClientTool, Message, ParleyClient, ParleyEvent } from '@parley/sdk';
import { isParleyError } from '@parley/sdk';
import type { KeyValueStorage } from '../storage.js';
import type { ChatItem, ChatState } from './chat-state.js';
import { initialState } from './chat-state.js';
import { describeError } from './describe-error.js';
import { loadThread } from './load-thread.js';
import { MemoryActions } from './memory-actions.js';
import { rateLimitWait } from './rate-limit.js';
import { recalledFrom } from './recalled.js';
import { pausedTurnItem, waitForPausedTurn } from './resume-approvals.js';
import { applyToolEvent, isToolEvent } from './tool-rows.js';

export interface ChatControllerOptions {
  client: ParleyClient;
  storage: KeyValueStorage;
  /** Prefix of the widget's own keys (conversation id, open flag). */
  storageKey: string;
  /** Client-side tools offered with every message; the SDK runs them (a live array: registerTool adds). */
  tools?: ClientTool[];
  /** Between history polls while a resumed turn finishes, and how many (default 20 × 500 ms). */
  pollDelayMs?: number;
  pollAttempts?: number;
}

/** What one turn has learned so far. */
interface Turn {
  local: ChatItem;
  accepted: boolean;
  answerKey: string | null;
  failed: boolean;
}

/**
 * The chat's state and actions, free of any UI: the Preact tree renders
 * `state` and calls these methods. One turn at a time, like the server.
 */
export class ChatController {
  state: ChatState;
  private readonly listeners = new Set<() => void>();
  private historyLoaded = false;
  private inFlight: AbortController | null = null;
  private counter = 0;
  /** "What I remember about you": list, delete, forget everything. */
  readonly memory: MemoryActions;

  constructor(private readonly opts: ChatControllerOptions) {
    this.state = initialState(opts.storage.get(this.key('open')) === '1');
    this.memory = new MemoryActions(
      opts.client,
      () => this.state,
      (p) => this.update(p),
    );
    if (this.state.open) void this.loadHistory();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setOpen(open: boolean): void {
    if (open === this.state.open) return;
    if (open) this.opts.storage.set(this.key('open'), '1');
    else this.opts.storage.remove(this.key('open'));
    this.update({ open });
    if (open) void this.loadHistory();
  }

  setDraft(draft: string): void {
    this.update({ draft });
  }

  get canSend(): boolean {
    const s = this.state;
    return s.draft.trim() !== '' && !s.busy && !s.loadingHistory;
  }

  /** Sends the composer's text. */
  async send(): Promise<void> {
    if (!this.canSend) return;
    await this.runTurn(this.state.draft.trim(), true);
  }

  /** Leaves the current thread (kept on the server) and starts an empty one. */
  newConversation(): void {
    this.inFlight?.abort();
    this.opts.storage.remove(this.key('conversation'));
    this.historyLoaded = true; // nothing to load for a thread that does not exist yet
    this.update({ items: [], error: null, memoryView: null, busy: false, typing: false });
  }

  /** Answers a `tool.approval_requested`; the paused turn resumes on the open stream. */
  async answerApproval(toolCallId: string, approved: boolean): Promise<void> {
    const conversationId = this.opts.storage.get(this.key('conversation'));
    if (!conversationId) return;
    this.patchTool(toolCallId, 'answering');
    try {
      await this.opts.client.tools.approve(conversationId, toolCallId, approved);
    } catch (err) {
      this.patchTool(toolCallId, 'approval');
      this.update({
        error: {
          message: describeError(err),
          retry: () => void this.answerApproval(toolCallId, approved),
        },
      });
      return;
    }
    // No open stream carries this turn (asked before a reload): fetch its end.
    if (!this.inFlight) await this.resumePaused(conversationId);
  }

  /** Stops everything for good: used when the widget is removed. */
  destroy(): void {
    this.inFlight?.abort();
    this.listeners.clear();
  }

  private key(name: string): string {
    return `${this.opts.storageKey}:${name}`;
  }

  private update(patch: Partial<ChatState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  private patchTool(toolCallId: string, state: 'approval' | 'answering'): void {
    this.update({
      items: this.state.items.map((i) =>
        i.tools?.some((t) => t.id === toolCallId)
          ? { ...i, tools: i.tools.map((t) => (t.id === toolCallId ? { ...t, state } : t)) }
          : i,
      ),
    });
  }

  /** The answer's item, created by whichever comes first: memory.recalled or response.started. */
  private ensureAnswer(turn: Turn, responseId: string, offline: boolean): void {
    turn.answerKey = responseId;
    if (this.state.items.some((i) => i.key === responseId)) return;
    this.update({
      items: [
        ...this.state.items,
        { key: responseId, role: 'assistant', text: '', status: 'streaming', offline },
      ],
    });
  }

  private patchItem(key: string | null, patch: (item: ChatItem) => ChatItem): void {
    this.update({ items: this.state.items.map((i) => (i.key === key ? patch(i) : i)) });
  }

  private async loadHistory(): Promise<void> {
    const conversationId = this.opts.storage.get(this.key('conversation'));
    if (this.historyLoaded || !conversationId) return;
    this.historyLoaded = true;
    this.update({ loadingHistory: true, error: null });
    try {
      const messages = await loadThread(this.opts.client, conversationId);
      const items = messages.flatMap(toItem);
      const answers = messages.filter((m) => m.role === 'assistant');
      const lastAnswer = answers[answers.length - 1];
      const offline = !!lastAnswer?.offline;
      // A turn still waiting for an approval (asked before a reload): ask again.
      const paused = await pausedTurnItem(this.opts.client, conversationId, offline);
      this.update({
        items: [...items, ...(paused ? [paused] : []), ...this.state.items],
        offline,
        ...(paused ? { busy: true } : {}),
      });
    } catch (err) {
      if (isParleyError(err) && (err.status === 404 || err.status === 401)) {
        // The thread is gone (deleted, database reset) or the session is: start afresh.
        await this.forgetThread(err.status === 401);
      } else {
        this.historyLoaded = false;
        this.update({
          error: { message: describeError(err), retry: () => void this.loadHistory() },
        });
      }
    } finally {
      this.update({ loadingHistory: false });
    }
  }

  private async resumePaused(conversationId: string): Promise<void> {
    this.update({ typing: true });
    const { client, pollDelayMs = 500, pollAttempts = 20 } = this.opts;
    try {
      const done = await waitForPausedTurn(
        client,
        conversationId,
        this.state.offline,
        pollDelayMs,
        pollAttempts,
      );
      if (done) {
        const items = [...done.messages.flatMap(toItem), ...(done.paused ? [done.paused] : [])];
        this.update({ items, busy: !!done.paused });
      } else this.update({ busy: false });
    } catch (err) {
      const retry = () => void this.resumePaused(conversationId);
      this.update({ busy: false, error: { message: describeError(err), retry } });
    } finally {
      this.update({ typing: false });
    }
  }

  private async forgetThread(clearSession: boolean): Promise<void> {
    this.opts.storage.remove(this.key('conversation'));
    if (clearSession) await this.opts.client.session.clear();
  }

  private async conversationId(): Promise<string> {
    const stored = this.opts.storage.get(this.key('conversation'));
    if (stored) return stored;
    const created = await this.opts.client.conversations.create();
    this.opts.storage.set(this.key('conversation'), created.id);
    return created.id;
  }

  private async runTurn(text: string, fromComposer: boolean): Promise<void> {
    const local: ChatItem = {
      key: `local-${++this.counter}`,
      role: 'user',
      text,
      status: 'sending',
      offline: false,
    };
    const turn: Turn = { local, accepted: false, answerKey: null, failed: false };
    const abort = new AbortController();
    this.inFlight = abort;
    this.update({
      items: [...this.state.items, local],
      draft: fromComposer ? '' : this.state.draft,
      busy: true,
      typing: true,
      activity: null,
      error: null,
    });
    try {
      try {
        await this.stream(text, turn, abort.signal);
      } catch (err) {
        // A stored conversation that no longer exists: start a new one, once.
        if (turn.accepted || !isParleyError(err) || err.status !== 404) throw err;
        await this.forgetThread(false);
        await this.stream(text, turn, abort.signal);
      }
    } catch (err) {
      if (abort.signal.aborted || turn.failed) return;
      // The session is gone for good (the SDK already tried a refresh): Retry starts afresh.
      if (isParleyError(err) && err.status === 401) await this.forgetThread(true);
      this.fail(turn, err);
    } finally {
      // A Retry may already have started the next turn (the error shows before this
      // stream closes): only the current turn may say the chat is no longer busy.
      if (this.inFlight === abort) {
        this.inFlight = null;
        this.update({ busy: false, typing: false, activity: null });
      }
    }
  }

  private async stream(text: string, turn: Turn, signal: AbortSignal): Promise<void> {
    const conversationId = await this.conversationId();
    const clientTools = this.opts.tools?.length ? this.opts.tools : undefined;
    // Leaving (a reload, a new thread) stops reading, not the answer: it stays resumable.
    const events = this.opts.client.messages.send(conversationId, text, {
      signal,
      clientTools,
      keepRunningOnAbort: true,
    });
    for await (const event of events) this.apply(event, turn);
  }

  private apply(event: ParleyEvent, turn: Turn): void {
    switch (event.type) {
      case 'message.created':
        turn.accepted = true;
        this.patchItem(turn.local.key, (i) => ({ ...i, status: 'complete' }));
        break;
      case 'memory.recalled':
        this.ensureAnswer(turn, event.responseId, false);
        this.patchItem(turn.answerKey, (i) => ({
          ...i,
          recalled: recalledFrom(event),
        }));
        break;
      case 'response.started':
        this.ensureAnswer(turn, event.responseId, event.offline);
        this.update({ offline: event.offline });
        this.patchItem(turn.answerKey, (i) => ({ ...i, offline: event.offline }));
        break;
      case 'text.delta':
        this.update({
          typing: false,
          activity: null,
          items: this.state.items.map((i) =>
            i.key === turn.answerKey ? { ...i, text: i.text + event.delta } : i,
          ),
        });
        break;
      case 'tool.started':
      case 'tool.progress':
      case 'tool.completed':
      case 'tool.approval_requested':
        this.ensureAnswer(turn, event.responseId, this.state.offline);
        // The tool row shows what is happening; the dots return while the answer is written.
        this.update({ typing: event.type === 'tool.completed', activity: null });
        if (isToolEvent(event)) {
          this.patchItem(turn.answerKey, (i) => ({
            ...i,
            tools: applyToolEvent(i.tools ?? [], event),
          }));
        }
        break;
      case 'response.completed':
        this.patchItem(turn.answerKey, (i) => ({
          ...i,
          text: event.message.content,
          status: event.message.status === 'complete' ? 'complete' : 'incomplete',
        }));
        break;
      case 'response.failed':
        if (event.message) turn.answerKey ??= event.responseId;
        this.fail(turn, event.error);
        break;
      default:
        break; // client-side tools (tool.call): not offered by this widget yet
    }
  }

  /**
   * Shows what went wrong without losing anything: an unsent message goes
   * back into the composer; an interrupted answer stays, marked as such.
   */
  private fail(turn: Turn, err: unknown): void {
    turn.failed = true;
    const text = turn.local.text;
    if (turn.accepted) {
      const items = this.state.items
        .filter((i) => !(i.key === turn.answerKey && i.text === ''))
        .map((i) => (i.key === turn.answerKey ? { ...i, status: 'incomplete' as const } : i));
      this.update({ items });
      this.showError(err, () => void this.runTurn(text, false));
      return;
    }
    const draft = this.state.draft.trim() ? `${text}\n${this.state.draft}` : text;
    this.update({ items: this.state.items.filter((i) => i.key !== turn.local.key), draft });
    this.showError(err, () => void this.send());
  }

  /** A rate limit keeps Retry disabled until the server will accept again. */
  private showError(err: unknown, retry: () => void): void {
    const wait = rateLimitWait(err);
    if (wait === null) {
      this.update({ error: { message: describeError(err), retry } });
      return;
    }
    this.update({
      error: {
        message: `You're sending messages too fast — try again in ${wait} s.`,
        retry,
        retryAt: Date.now() + wait * 1000,
      },
    });
  }
}

function toItem(m: Message): ChatItem[] {
  if (m.role !== 'user' && m.role !== 'assistant') return [];
  return [
    {
      key: m.id,
      role: m.role,
      text: m.content,
      status: m.status === 'complete' ? 'complete' : 'incomplete',
      offline: !!m.offline,
    },
  ];
}
