import type { Http } from '../http/http-client.js';
import type { Conversation, Page } from '../protocol/resources.js';

export interface ConversationsApi {
  create(body?: { title?: string; metadata?: Record<string, unknown> }): Promise<Conversation>;
  /** Newest first; pass `nextCursor` back as `cursor` for the next page. */
  list(query?: { limit?: number; cursor?: string }): Promise<Page<Conversation>>;
  get(id: string): Promise<Conversation>;
  update(id: string, body: { title: string }): Promise<Conversation>;
  delete(id: string): Promise<void>;
}

export function conversationsApi(http: Http): ConversationsApi {
  const one = (id: string): string => `/v1/conversations/${encodeURIComponent(id)}`;
  return {
    create: (body = {}) => http.json('POST', '/v1/conversations', { body }),
    list: (query = {}) => http.json('GET', '/v1/conversations', { query }),
    get: (id) => http.json('GET', one(id)),
    update: (id, body) => http.json('PATCH', one(id), { body }),
    delete: (id) => http.json('DELETE', one(id)),
  };
}
