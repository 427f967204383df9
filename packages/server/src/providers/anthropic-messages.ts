import type {
  ContentBlockParam,
  MessageParam,
  ToolResultBlockParam,
} from '@anthropic-ai/sdk/resources/messages/messages';
import type { ChatMessage } from './provider.js';

/**
 * Provider-neutral history → Anthropic Messages: system prompts move to the
 * top-level `system`, tool calls become `tool_use` blocks, and tool results
 * become `tool_result` blocks of one user turn (Anthropic wants every result
 * for an assistant turn in the message right after it).
 */
export function toAnthropicMessages(messages: ChatMessage[]): {
  system: string | undefined;
  messages: MessageParam[];
} {
  const system: string[] = [];
  const out: MessageParam[] = [];
  for (const m of messages) {
    switch (m.role) {
      case 'system':
        system.push(m.content);
        break;
      case 'user':
        out.push({ role: 'user', content: m.content });
        break;
      case 'assistant': {
        const blocks: ContentBlockParam[] = [];
        if (m.content) blocks.push({ type: 'text', text: m.content });
        for (const c of m.toolCalls ?? []) {
          blocks.push({ type: 'tool_use', id: c.id, name: c.name, input: parseInput(c.argsJson) });
        }
        // Anthropic rejects empty assistant turns (e.g. a cancelled answer with no text).
        if (blocks.length > 0) out.push({ role: 'assistant', content: blocks });
        break;
      }
      case 'tool': {
        const block: ToolResultBlockParam = {
          type: 'tool_result',
          tool_use_id: m.toolCallId,
          content: m.content,
          ...(m.isError ? { is_error: true } : {}),
        };
        const last = out.at(-1);
        if (last?.role === 'user' && Array.isArray(last.content) && isToolResults(last.content)) {
          last.content.push(block);
        } else {
          out.push({ role: 'user', content: [block] });
        }
        break;
      }
    }
  }
  return { system: system.length > 0 ? system.join('\n\n') : undefined, messages: out };
}

function isToolResults(blocks: ContentBlockParam[]): boolean {
  return blocks.every((b) => b.type === 'tool_result');
}

/** `tool_use.input` must be an object; arguments the model garbled are sent back as `{}`. */
function parseInput(argsJson: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(argsJson);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
