import { APIConnectionError, isParleyError } from '../errors.js';
import type { Http, RequestOptions } from '../http/http-client.js';
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
 * Reads one SSE response of protocol events into `stream`: a turn
 * (`POST …/messages`, never retried: the server may already have stored
 * the message) or a resume (`GET …/stream?afterSeq=`). The server closes
 * the body after the turn's last event; closing the request is how it
 * learns of a cancel.
 */
export async function sseRead(
  http: Http,
  method: 'POST' | 'GET',
  path: string,
  opts: RequestOptions,
  stream: StreamSink,
): Promise<void> {
  try {
    const res = await http.stream(method, path, {
      ...opts,
      signal: stream.signal,
      headers: { accept: 'text/event-stream' },
    });
    if (!res.body) throw new APIConnectionError('The server sent no stream');
    for await (const m of parseSse(res.body)) stream.push(JSON.parse(m.data) as ParleyEvent);
    stream.end(stream.answered ? undefined : new APIConnectionError('The stream ended early'));
  } catch (err) {
    if (stream.answered) return stream.end();
    stream.end(
      isParleyError(err) ? err : new APIConnectionError('The stream broke', { cause: err }),
    );
  }
}
