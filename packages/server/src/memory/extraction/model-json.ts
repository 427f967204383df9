import type { ChatMessage, ChatProvider } from '../../providers/provider.js';
import { ProviderError } from '../../providers/provider.js';

export interface ChatModel {
  provider: ChatProvider;
  model: string;
}

/**
 * Asks a model for a JSON answer through the provider contract (streamed,
 * collected) and parses it, tolerating code fences and chatter around it.
 */
export async function askModelForJson(
  chat: ChatModel,
  messages: ChatMessage[],
  signal: AbortSignal,
): Promise<unknown> {
  let text = '';
  for await (const chunk of chat.provider.stream({
    model: chat.model,
    messages,
    maxOutputTokens: 800,
    signal,
  })) {
    if (chunk.type === 'text') text += chunk.text;
  }
  return parseJsonAnswer(text);
}

export function parseJsonAnswer(text: string): unknown {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end < start)
    throw new ProviderError('model answered without JSON', { retryable: false });
  try {
    return JSON.parse(text.slice(start, end + 1)) as unknown;
  } catch (err) {
    throw new ProviderError('model answered with invalid JSON', { retryable: false, cause: err });
  }
}
