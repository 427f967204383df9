import type { Http } from '../http/http-client.js';
import type { Conversation, Page } from '../protocol/resources.js';
import type { CallOptions } from './call-options.js';

/** The signed-in user's conversations. */
export interface ConversationsApi {
  /** Starts a conversation. */
  create(
    body?: { title?: string; metadata?: Record<string, unknown> },
    options?: CallOptions,
  ): Promise<Conversation>;
  /** Newest first; pass `nextCursor` back as `cursor` for the next page. */
  list(
    query?: { limit?: number; cursor?: string },
    options?: CallOptions,
  ): Promise<Page<Conversation>>;
  /** One conversation (404 when it is not yours). */
  get(id: string, options?: CallOptions): Promise<Conversation>;
  /** Renames a conversation. */
  update(id: string, body: { title: string }, options?: CallOptions): Promise<Conversation>;
  /** Deletes a conversation and its messages. */
  delete(id: string, options?: CallOptions): Promise<void>;
}

export function conversationsApi(http: Http): ConversationsApi {
  const one = (id: string): string => `/v1/conversations/${encodeURIComponent(id)}`;
  return {
    create: (body = {}, o) => http.json('POST', '/v1/conversations', { body, ...o }),
    list: (query = {}, o) => http.json('GET', '/v1/conversations', { query, ...o }),
    get: (id, o) => http.json('GET', one(id), o),
    update: (id, body, o) => http.json('PATCH', one(id), { body, ...o }),
    delete: (id, o) => http.json('DELETE', one(id), o),
  };
}
