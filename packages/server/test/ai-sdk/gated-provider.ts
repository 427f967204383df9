import type { ChatProvider, ProviderChunk, ProviderRequest } from '../../src/providers/provider.js';

/**
 * A provider that says "Hello " and then waits for the test to `release()`
 * it before saying "world": a turn the test can catch in the middle,
 * without any timer. `reached` resolves once it waits.
 */
export class GatedProvider implements ChatProvider {
  readonly id = 'gated';
  readonly offline = false;
  private open!: () => void;
  private gate = new Promise<void>((r) => (this.open = r));
  private arrived!: () => void;
  reached = new Promise<void>((r) => (this.arrived = r));

  release(): void {
    this.open();
  }

  /** Closes the gate again for the next turn. */
  reset(): void {
    this.gate = new Promise<void>((r) => (this.open = r));
    this.reached = new Promise<void>((r) => (this.arrived = r));
  }

  async *stream(req: ProviderRequest): AsyncIterable<ProviderChunk> {
    yield { type: 'text', text: 'Hello ' };
    this.arrived();
    await new Promise<void>((resolve) => {
      void this.gate.then(resolve);
      req.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    if (req.signal.aborted) return;
    yield { type: 'text', text: 'world' };
    yield { type: 'finish', reason: 'stop', usage: { inputTokens: 3, outputTokens: 2 } };
  }
}
