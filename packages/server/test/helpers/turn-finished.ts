import type { TestApp } from './test-app.js';

/**
 * Resolves once the turn running in this app for the conversation (if any)
 * has stored its answer and released the conversation: a state to wait on,
 * instead of polling the history with sleeps. The caller must know the turn
 * has started (it saw one of its events) and runs in `t`.
 */
export async function turnFinished(t: Pick<TestApp, 'app'>, conversationId: string): Promise<void> {
  await t.app.services.turns.running(conversationId)?.done;
}
