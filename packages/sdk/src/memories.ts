import type { Http } from './http/http-client.js';
import type { CallOptions } from './resources/call-options.js';
import type { RecalledMemoryItem, RecalledPassageItem } from './protocol/events.js';
import type { Memory, MemoryKind, Page, UserExport } from './protocol/resources.js';

export type { Memory, MemoryKind, UserExport } from './protocol/resources.js';

/** What a turn would recall for a text: the same memories and passages `memory.recalled` shows. */
export interface RecallResponse {
  memories: RecalledMemoryItem[];
  /** Earlier messages, each with the turn it replies to or the answer it got. */
  passages: RecalledPassageItem[];
  /** Set when recall ran out of time: `embedding` (words only) or `search` (nothing). */
  degraded: null | 'embedding' | 'search';
}

/** What the agent remembers about the signed-in user. */
export interface MemoriesApi {
  /** Current memories, newest first; pass `nextCursor` back as `cursor`. */
  list(query?: { limit?: number; cursor?: string }, options?: CallOptions): Promise<Page<Memory>>;
  /** Best matches for `q` (meaning and words), one page. */
  search(q: string, query?: { limit?: number }, options?: CallOptions): Promise<Memory[]>;
  /** Edits a memory (the old version is kept in the export's history). */
  update(
    id: string,
    patch: { text?: string; kind?: MemoryKind; importance?: number },
    options?: CallOptions,
  ): Promise<Memory>;
  /**
   * What a message saying `q` would recall right now (`GET /v1/memories/recall`): the
   * memories and earlier messages the agent would be given. `conversationId`: ask as if
   * in that conversation (its own messages are history, not recall).
   */
  recall(q: string, options?: { conversationId?: string } & CallOptions): Promise<RecallResponse>;
  /** Deletes the memory and the older versions it replaced. */
  delete(id: string, options?: CallOptions): Promise<void>;
  /** Deletes every memory and stops past conversations from being recalled. */
  forgetAll(
    options?: CallOptions,
  ): Promise<{ deleted: { memories: number; messageEmbeddings: number } }>;
}

/** The signed-in user's own data. */
export interface MeApi {
  /** Everything stored about the user (GDPR export). */
  export(options?: CallOptions): Promise<UserExport>;
}

export function memoriesApi(http: Http): MemoriesApi {
  const one = (id: string): string => `/v1/memories/${encodeURIComponent(id)}`;
  return {
    list: (query = {}, o) => http.json('GET', '/v1/memories', { query, ...o }),
    search: async (q, query = {}, o) =>
      (
        await http.json<Page<Memory>>('GET', '/v1/memories', {
          query: { ...query, q },
          ...o,
        })
      ).data,
    recall: (q, { signal, conversationId } = {}) =>
      http.json('GET', '/v1/memories/recall', { query: { q, conversationId }, signal }),
    update: (id, patch, o) => http.json('PATCH', one(id), { body: patch, ...o }),
    delete: (id, o) => http.json('DELETE', one(id), o),
    forgetAll: (o) => http.json('DELETE', '/v1/memories', o),
  };
}

export function meApi(http: Http): MeApi {
  return { export: (o) => http.json('GET', '/v1/me/export', o) };
}
