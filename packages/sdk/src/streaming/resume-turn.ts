import { APIConnectionError, isParleyError } from '../errors.js';
import type { Http } from '../http/http-client.js';
import { backoffMs, sleep } from '../http/retry.js';
import type { ParleyEvent } from '../protocol/events.js';
import type { MessageStream, StreamSink } from './message-stream.js';
import { parseSse } from './sse-parser.js';

/** A break worth resuming: the connection, not the server's refusal nor the user's abort. */
const isConnectionBreak = (err: unknown): boolean =>
  isParleyError(err) && err instanceof APIConnectionError;

/**
 * Wraps a stream so that when its transport breaks mid-answer (after the
 * first event, before the last), the answer is followed on from the last
 * seq seen with `GET …/stream?afterSeq=` — the same resume over SSE
 * whichever transport broke. Up to `maxResumes` tries, with backoff after
 * a failed one; the stream drops any event it already had.
 */
export function resumable(
  http: Http,
  conversationId: string,
  stream: MessageStream,
  maxResumes: number,
): StreamSink {
  const path = `/v1/conversations/${encodeURIComponent(conversationId)}/stream`;

  async function follow(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await http.stream('GET', path, {
          query: { afterSeq: stream.lastSeq },
          signal: stream.signal,
          headers: { accept: 'text/event-stream' },
        });
        if (!res.body) throw new APIConnectionError('The server sent no stream');
        for await (const m of parseSse(res.body)) stream.push(JSON.parse(m.data) as ParleyEvent);
        // The server ends the stream after the turn's last event; without it, the turn died.
        return stream.end(
          stream.answered ? undefined : new APIConnectionError('The answer ended unfinished'),
        );
      } catch (err) {
        if (stream.answered) return stream.end();
        if (stream.signal.aborted) return; // abort() already ended it
        if (attempt + 1 >= maxResumes || !isConnectionBreak(err)) {
          return stream.end(
            isParleyError(err) ? err : new APIConnectionError('The stream broke', { cause: err }),
          );
        }
        await sleep(backoffMs(attempt), stream.signal).catch(() => {});
      }
    }
  }

  return {
    get signal() {
      return stream.signal;
    },
    get answered() {
      return stream.answered;
    },
    get lastSeq() {
      return stream.lastSeq;
    },
    push: (event) => stream.push(event),
    end(error) {
      const resume =
        error !== undefined &&
        maxResumes > 0 &&
        isConnectionBreak(error) &&
        !stream.answered &&
        stream.lastSeq > 0 &&
        !stream.signal.aborted;
      if (resume) void follow();
      else stream.end(error);
    },
  };
}
