import type { Http } from '../http/http-client.js';
import type { Message, Page } from '../protocol/resources.js';
import { MessageStream } from '../streaming/message-stream.js';
import { sseTurn } from '../streaming/sse-turn.js';
import type { ClientTool } from '../tools/client-tools.js';
import { autoRun, toolSpecs } from '../tools/client-tools.js';
import type { ToolsApi } from '../tools/tools-api.js';
import type { WsTransport } from '../ws/ws-transport.js';

export interface SendOptions {
  /** `sse` (default): one HTTP request per answer. `ws`: one shared socket for all answers. */
  transport?: 'sse' | 'ws';
  signal?: AbortSignal;
  /** Your id for the message; sending the same one twice is refused (409) instead of stored twice. */
  clientMessageId?: string;
  /** Tools your app runs for this message; those with `execute` are answered for you. */
  clientTools?: ClientTool[];
}

export interface MessagesApi {
  /** Oldest first, after `afterSeq`. */
  list(
    conversationId: string,
    query?: { afterSeq?: number; limit?: number },
  ): Promise<Page<Message>>;
  /** Sends a user message and streams the answer; the request starts immediately. */
  send(conversationId: string, content: string, options?: SendOptions): MessageStream;
}

export function messagesApi(http: Http, ws: () => WsTransport, tools: ToolsApi): MessagesApi {
  return {
    list: (conversationId, query = {}) =>
      http.json('GET', `/v1/conversations/${encodeURIComponent(conversationId)}/messages`, {
        query,
      }),
    send(conversationId, content, options = {}) {
      const stream = new MessageStream(options.signal);
      const ct = options.clientTools;
      const body = {
        content,
        clientMessageId: options.clientMessageId,
        clientTools: ct && toolSpecs(ct),
      };
      if (ct) stream.tap = autoRun(ct, (id, a) => tools.submitResult(conversationId, id, a));
      void (options.transport === 'ws'
        ? ws().turn(conversationId, body, stream)
        : sseTurn(http, conversationId, body, stream));
      return stream;
    },
  };
}
