import type { ParleyClient } from '@parley/sdk';
import type { ChatState, MemoryView } from './chat-state.js';
import { describeError } from './describe-error.js';

/** Enough to list what the user sees; more pages load on demand in a later release. */
const PAGE = 50;

/** The "What I remember about you" view: what the agent keeps, and erasing it. */
export class MemoryActions {
  constructor(
    private readonly client: ParleyClient,
    private readonly state: () => ChatState,
    private readonly update: (patch: Partial<ChatState>) => void,
  ) {}

  async open(): Promise<void> {
    this.view({ memories: null, error: null, confirming: false });
    try {
      const page = await this.client.memories.list({ limit: PAGE });
      if (this.state().memoryView)
        this.patch({ memories: page.data.map(({ id, text }) => ({ id, text })) });
    } catch (err) {
      this.patch({ error: describeError(err) });
    }
  }

  close(): void {
    this.update({ memoryView: null });
  }

  async remove(id: string): Promise<void> {
    try {
      await this.client.memories.delete(id);
      this.patch({
        memories: (this.state().memoryView?.memories ?? []).filter((m) => m.id !== id),
      });
    } catch (err) {
      this.patch({ error: describeError(err) });
    }
  }

  /** First press asks for confirmation; the second erases. */
  async forgetAll(confirmed: boolean): Promise<void> {
    if (!confirmed) {
      this.patch({ confirming: true });
      return;
    }
    try {
      await this.client.memories.forgetAll();
      this.patch({ memories: [], confirming: false });
    } catch (err) {
      this.patch({ error: describeError(err), confirming: false });
    }
  }

  cancelForget(): void {
    this.patch({ confirming: false });
  }

  private view(v: MemoryView): void {
    this.update({ memoryView: v });
  }

  private patch(p: Partial<MemoryView>): void {
    const current = this.state().memoryView;
    if (current) this.view({ ...current, ...p });
  }
}
