import type { ParleyEvent } from '../protocol/events.js';
import type { ClientToolDefinition } from '../protocol/ws-frames.js';
import type { ToolAnswer } from './tools-api.js';

/** A tool your app runs (in the browser or in Node), offered to the model for one message. */
export interface ClientTool extends ClientToolDefinition {
  /**
   * Runs when the model calls the tool; what it returns (JSON) goes back to the
   * model, a throw as `{ error: message }`. Without it, answer the `tool.call`
   * event yourself with `client.tools.submitResult`.
   */
  execute?(args: unknown): unknown;
}

/** The specs the server needs: `execute` stays on this side. */
export const toolSpecs = (tools: ClientTool[]): ClientToolDefinition[] =>
  tools.map(({ name, description, parameters }) => ({ name, description, parameters }));

/**
 * Watches a turn's events and answers each `tool.call` for a tool with
 * `execute`; the event still reaches the reader.
 */
export function autoRun(
  tools: ClientTool[],
  submit: (toolCallId: string, answer: ToolAnswer) => Promise<unknown>,
): (event: ParleyEvent) => void {
  return (e) => {
    const tool = e.type === 'tool.call' ? tools.find((t) => t.name === e.name) : undefined;
    if (!tool?.execute || e.type !== 'tool.call') return;
    void Promise.resolve()
      .then(() => tool.execute!(e.args))
      .then(
        (result): ToolAnswer => ({ result: result ?? null }),
        (err: unknown): ToolAnswer => ({
          error: String((err as Error)?.message ?? err).slice(0, 4000) || 'The tool failed',
        }),
      )
      .then((answer) => submit(e.toolCallId, answer))
      // Nobody awaits this; the server times the call out if the answer is lost.
      .catch(() => {});
  };
}
