import type { Clock } from '../clock/clock.js';
import { sleep, systemClock } from '../clock/clock.js';
import { offlineToolStep } from './offline-tool-rules.js';
import type { ChatProvider, ProviderChunk, ProviderRequest } from './provider.js';

export const OFFLINE_LABEL = '[Offline mode: no language model is configured]';

/**
 * Answers without a model when no API key is set, so the product runs
 * end to end out of the box. Every answer starts with OFFLINE_LABEL: it
 * never pretends to be a model.
 */
export class OfflineProvider implements ChatProvider {
  readonly id = 'offline';
  readonly offline = true;

  constructor(
    private readonly wordDelayMs = 0,
    private readonly clock: Clock = systemClock,
  ) {}

  async *stream(req: ProviderRequest): AsyncIterable<ProviderChunk> {
    // Tools: a few fixed rules (offline-tool-rules.ts), never a pretend model.
    const step = offlineToolStep(req);
    if (step && 'call' in step) {
      yield { type: 'tool-call', call: step.call };
      yield { type: 'finish', reason: 'tool_calls', usage: { inputTokens: 0, outputTokens: 0 } };
      return;
    }
    const lastUser = [...req.messages].reverse().find((m) => m.role === 'user');
    const text = lastUser?.content.trim() ?? '';
    const quoted = text.length > 200 ? `${text.slice(0, 200)}…` : text;
    const answer = step
      ? `${OFFLINE_LABEL} A tool answered, shown here as it came: ${step.toolReport}`
      : `${OFFLINE_LABEL} I can't think without a model, but your message arrived safely: "${quoted}". ` +
        'Set OPENAI_API_KEY or ANTHROPIC_API_KEY and restart to get real answers.';
    const words = answer.split(/(?<= )/);
    for (const word of words) {
      if (req.signal.aborted) return;
      // The clock's sleep takes its abort listener off again: one per word would
      // pile up on the request's signal (MaxListenersExceededWarning at 11 words).
      if (this.wordDelayMs > 0) {
        const slept = await sleep(this.clock, this.wordDelayMs, req.signal).then(
          () => true,
          () => false,
        );
        if (!slept) return;
      }
      yield { type: 'text', text: word };
    }
    yield {
      type: 'finish',
      reason: 'stop',
      usage: { inputTokens: 0, outputTokens: 0 },
    };
  }
}
