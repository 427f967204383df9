import { createHttp } from './http/http-client.js';
import type { SessionTokens } from './protocol/resources.js';
import type { ConversationsApi } from './resources/conversations.js';
import { conversationsApi } from './resources/conversations.js';
import type { MeApi, MemoriesApi } from './memories.js';
import { meApi, memoriesApi } from './memories.js';
import type { MessagesApi } from './resources/messages.js';
import { messagesApi } from './resources/messages.js';
import type { AuthOptions } from './session/session-manager.js';
import { createSessionManager } from './session/session-manager.js';
import type { Storage } from './session/storage.js';
import { memoryStorage } from './session/storage.js';
import type { WebSocketConstructor, WsTransport } from './ws/ws-transport.js';
import { createWsTransport } from './ws/ws-transport.js';

export type ClientOptions = AuthOptions & {
  /** The Parley server, e.g. `https://chat.example.com`. */
  baseUrl: string;
  /** Keeps the session across reloads (pass `localStorage`-like storage). Default: memory. */
  storage?: Storage;
  storageKey?: string;
  fetch?: typeof fetch;
  /** Needed for `transport: 'ws'` where there is no global WebSocket (Node 20: the `ws` package). */
  WebSocket?: WebSocketConstructor;
  /** Per request; for streams, until the response starts. Default 60 s. */
  timeoutMs?: number;
  /** Retries of idempotent requests on network errors, 408, 429 and 5xx. Default 2. */
  maxRetries?: number;
};

export interface ParleyClient {
  session: { get(): Promise<SessionTokens>; clear(): Promise<void> };
  conversations: ConversationsApi;
  messages: MessagesApi;
  /** What the agent remembers about the user: list, search, edit, delete. */
  memories: MemoriesApi;
  me: MeApi;
  /** Closes the shared WebSocket, if one was opened; a Node process can then exit. */
  close(): void;
}

export function createClient(options: ClientOptions): ParleyClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 60_000;
  const f = options.fetch ?? fetch;
  const tokens = {
    token: () => session.token(),
    invalidate: (t: string) => session.invalidate(t),
  };
  const http = createHttp({
    baseUrl,
    // Called unbound: `window.fetch` throws "Illegal invocation" as a method of another object.
    fetch: (input, init) => f(input, init),
    timeoutMs,
    maxRetries: options.maxRetries ?? 2,
    tokens,
  });
  const session = createSessionManager(
    options,
    http,
    options.storage ?? memoryStorage(),
    options.storageKey ?? 'parley.session',
  );
  let ws: WsTransport | null = null;
  const close = (): void => {
    ws?.close();
    ws = null;
  };
  return {
    session: {
      get: () => session.get(),
      async clear() {
        close(); // the socket belongs to the old session's user
        await session.clear();
      },
    },
    conversations: conversationsApi(http),
    messages: messagesApi(
      http,
      () =>
        (ws ??= createWsTransport({ baseUrl, WebSocket: options.WebSocket, tokens, timeoutMs })),
    ),
    memories: memoriesApi(http),
    me: meApi(http),
    close,
  };
}
