import { EXAMPLE } from '../http/schemas/examples.js';
import type { UiChunk } from './ui-message-chunks.js';

export const uiMessageStreamSchema = {
  type: 'string',
  description:
    'Server-Sent Events of the Vercel AI SDK UI message stream v1: one JSON chunk per `data:` line (start, start-step, text-start/-delta/-end, tool-input-available, tool-approval-request, tool-output-available/-error, data-memory-recalled, data-tool-progress, finish-step, finish, abort, error), then `data: [DONE]`',
};

const meta = { parley: { conversationId: EXAMPLE.conversationId, seq: 4 } };
const chunks: UiChunk[] = [
  { type: 'start', messageId: EXAMPLE.messageId, messageMetadata: meta },
  { type: 'start-step' },
  {
    type: 'tool-input-available',
    toolCallId: 'call_8f2b1c',
    toolName: 'weather',
    input: { city: 'Paris' },
    dynamic: true,
  },
  {
    type: 'tool-output-available',
    toolCallId: 'call_8f2b1c',
    output: { tempC: 18 },
    dynamic: true,
  },
  { type: 'text-start', id: 'text-1' },
  { type: 'text-delta', id: 'text-1', delta: 'It is 18 °C in Paris.' },
  { type: 'text-end', id: 'text-1' },
  { type: 'finish-step' },
  { type: 'finish', finishReason: 'stop', messageMetadata: { parley: { ...meta.parley, seq: 8 } } },
];

export const uiMessageStreamExample = [...chunks.map((c) => JSON.stringify(c)), '[DONE]']
  .map((d) => `data: ${d}`)
  .join('\n\n');
