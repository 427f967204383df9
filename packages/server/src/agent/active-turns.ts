/** Turns running in this process, so a cancel can reach the right one. */
export class ActiveTurns {
  private readonly turns = new Map<string, AbortController>();

  start(conversationId: string): AbortController {
    const controller = new AbortController();
    this.turns.set(conversationId, controller);
    return controller;
  }

  finish(conversationId: string, controller: AbortController): void {
    if (this.turns.get(conversationId) === controller) this.turns.delete(conversationId);
  }

  cancel(conversationId: string): boolean {
    const c = this.turns.get(conversationId);
    if (!c) return false;
    c.abort(new Error('cancelled by user'));
    return true;
  }

  get size(): number {
    return this.turns.size;
  }

  abortAll(): void {
    for (const c of this.turns.values()) c.abort(new Error('server shutting down'));
  }
}
