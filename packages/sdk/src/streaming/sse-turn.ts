import { APIConnectionError, isParleyError } from '../errors.js';
import type { Http } from '../http/http-client.js';
import type { ParleyEvent } from '../protocol/events.js';
import type { ClientToolDefinition } from '../protocol/ws-frames.js';
import type { StreamSink } from './message-stream.js';
import { parseSse } from './sse-parser.js';

export interface SendBody {
  content: string;
  clientMessageId?: string;
  clientTools?: ClientToolDefinition[];
}

/**
 * One turn over SSE: `POST …/messages` with `Accept: text/event-stream`.
 * Never retried (the server may already have stored the message); closing
 * the request is how the server learns of a cancel.
 */
export async function sseTurn(
  http: Http,
  conversationId: string,
  body: SendBody,
  stream: StreamSink,
): Promise<void> {
  try {
    const res = await http.stream(
      'POST',
      `/v1/conversations/${encodeURIComponent(conversationId)}/messages`,
      { body, signal: stream.signal, headers: { accept: 'text/event-stream' } },
    );
    if (!res.body) throw new APIConnectionError('The server sent no stream');
    // Read to the end: the server closes the body once the conversation is free again.
    for await (const m of parseSse(res.body)) stream.push(JSON.parse(m.data) as ParleyEvent);
    stream.end(stream.answered ? undefined : new APIConnectionError('The stream ended early'));
  } catch (err) {
    if (stream.answered) return stream.end();
    stream.end(
      isParleyError(err) ? err : new APIConnectionError('The stream broke', { cause: err }),
    );
  }
}
