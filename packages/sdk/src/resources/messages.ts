import { APIConnectionError } from '../errors.js';
import type { Clock } from '../clock.js';
import type { Http } from '../http/http-client.js';
import { backoffMs, sleep } from '../http/retry.js';
import type { Message, Page } from '../protocol/resources.js';
import { MessageStream } from '../streaming/message-stream.js';
import { sseRead } from '../streaming/sse-turn.js';
import type { ClientTool } from '../tools/client-tools.js';
import { autoRun, toolSpecs } from '../tools/client-tools.js';
import type { ToolsApi } from '../tools/tools-api.js';
import type { WsTransport } from '../ws/ws-transport.js';
import type { CallOptions } from './call-options.js';

/** Options of {@link MessagesApi.send}. */
export interface SendOptions {
  /** `sse` (default): one HTTP request per answer. `ws`: one shared socket for all answers. */
  transport?: 'sse' | 'ws';
  /** Cancels the answer: the server stops at once and keeps the partial answer. */
  signal?: AbortSignal;
  /** Your id for the message; sending the same one twice is refused (409) instead of stored twice. */
  clientMessageId?: string;
  /** Tools your app runs for this message; those with `execute` are answered for you. */
  clientTools?: ClientTool[];
  /**
   * How many times a connection that drops mid-answer is resumed from the
   * last seq seen (`GET …/stream?afterSeq=`). Default 2; 0 turns it off.
   */
  maxResumes?: number;
  /**
   * True: `abort()` (or the signal) only stops reading here; the server goes
   * on with the answer, which stays resumable — for a page being reloaded or
   * a view being left. Default false: aborting cancels the answer.
   */
  keepRunningOnAbort?: boolean;
}

/** Messages of a conversation, and sending one (the answer streams back). */
export interface MessagesApi {
  /** Oldest first, after `afterSeq`. */
  list(
    conversationId: string,
    query?: { afterSeq?: number; limit?: number },
    options?: CallOptions,
  ): Promise<Page<Message>>;
  /** Sends a user message and streams the answer; the request starts immediately. */
  send(conversationId: string, content: string, options?: SendOptions): MessageStream;
  /**
   * Stops the answer running in this conversation, wherever it runs (it is
   * kept as incomplete). `cancelled` is false when nothing was running.
   */
  cancel(conversationId: string, options?: CallOptions): Promise<{ cancelled: boolean }>;
}

export function messagesApi(
  http: Http,
  ws: () => Promise<WsTransport>,
  tools: ToolsApi,
  clock: Clock,
): MessagesApi {
  const path = (id: string, tail: string): string =>
    `/v1/conversations/${encodeURIComponent(id)}/${tail}`;
  const cancel: MessagesApi['cancel'] = (conversationId, options) =>
    http.json('POST', path(conversationId, 'cancel'), options);
  return {
    list: (conversationId, query = {}, options) =>
      http.json('GET', path(conversationId, 'messages'), { query, ...options }),
    send(conversationId, content, options = {}) {
      const stream = new MessageStream(options.signal);
      stream.keepRunningOnAbort = !!options.keepRunningOnAbort;
      const ct = options.clientTools;
      const body = {
        content,
        clientMessageId: options.clientMessageId,
        clientTools: ct && toolSpecs(ct),
      };
      if (ct)
        stream.on(
          '*',
          autoRun(ct, (id, a) => tools.submitResult(conversationId, id, a)),
        );
      // A connection that broke mid-answer (whichever transport) is followed on over SSE.
      const maxResumes = options.maxResumes ?? 2;
      let resumes = 0;
      stream.resume = (err) => {
        if (!(err instanceof APIConnectionError) || !stream.lastSeq || resumes >= maxResumes)
          return false;
        void sleep(clock, resumes++ && backoffMs(resumes), stream.signal).then(
          () =>
            sseRead(
              http,
              'GET',
              path(conversationId, 'stream'),
              {
                query: { afterSeq: stream.lastSeq },
              },
              stream,
            ),
          () => {}, // aborted: abort() ended the stream
        );
        return true;
      };
      if (options.transport === 'ws') {
        // The socket sends response.cancel itself.
        void ws().then(
          (w) => w.turn(conversationId, body, stream),
          (cause: unknown) => stream.end(new APIConnectionError('WebSocket failed', { cause })),
        );
      } else {
        // Closing the request is noticed late behind proxies: say it, so the server stops now.
        stream.signal.addEventListener('abort', () => {
          if (!stream.answered && !stream.keepRunningOnAbort)
            cancel(conversationId).catch(() => {});
        });
        void sseRead(http, 'POST', path(conversationId, 'messages'), { body }, stream);
      }
      return stream;
    },
    cancel,
  };
}
