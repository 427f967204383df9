import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { createHttp } from './http/http-client.js';
import type { SessionTokens } from './protocol/resources.js';
import type { AccountsApi, IdentifiedSession } from './session/auth-flows.js';
import { authFlows } from './session/auth-flows.js';
import type { ToolsApi } from './tools/tools-api.js';
import { toolsApi } from './tools/tools-api.js';
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

/** Options of {@link createClient}: the server, how to authenticate, and transport settings. */
export type ClientOptions = AuthOptions & {
  /** The Parley server, e.g. `https://chat.example.com`. */
  baseUrl: string;
  /** Keeps the session across reloads (pass `localStorage`-like storage). Default: memory. */
  storage?: Storage;
  storageKey?: string;
  fetch?: typeof fetch;
  /**
   * For `transport: 'ws'`. Default: the platform's WebSocket, or on Node 20 the
   * optional peer `ws` (loaded only then); pass one to use another.
   */
  WebSocket?: WebSocketConstructor;
  /** Per request; for streams, until the response starts. Default 60 s. */
  timeoutMs?: number;
  /** Retries of idempotent requests on network errors, 408, 429 and 5xx. Default 2. */
  maxRetries?: number;
  /**
   * Time for token renewal, timeouts and retry back-off. Default: the system clock.
   * Tests pass a clock they move, so a token can expire without waiting.
   */
  clock?: Clock;
};

/** A Parley client: one session, its conversations, messages, memories and tools. */
export interface ParleyClient {
  session: {
    /** The current session, started or refreshed as needed. */
    get(): Promise<SessionTokens>;
    /** Forgets the session here (the server keeps it until it expires). */
    clear(): Promise<void>;
    /** Ends this login on the server (its refresh token stops working) and forgets it here. */
    logout(): Promise<void>;
    /** Ends every login of this user, on every device. */
    logoutAll(): Promise<{ revokedSessions: number }>;
  };
  /**
   * Become the user your backend signed an identity token for; the visitor's conversations move along.
   * The token needs `sub`, `exp` and a unique `jti`: it is accepted once (a replay is `AuthenticationError`).
   */
  identify(identityToken: string): Promise<IdentifiedSession>;
  /** Email + password accounts (publishable-key clients). */
  accounts: AccountsApi;
  /** Answer tool approvals and client-side tool calls. */
  tools: ToolsApi;
  conversations: ConversationsApi;
  messages: MessagesApi;
  /** What the agent remembers about the user: list, search, edit, delete. */
  memories: MemoriesApi;
  me: MeApi;
  /** Closes the shared WebSocket, if one was opened; a Node process can then exit. */
  close(): void;
}

/** Creates a client for one Parley server and one end-user session (zero dependencies). */
export function createClient(options: ClientOptions): ParleyClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 60_000;
  const f = options.fetch ?? fetch;
  const clock = options.clock ?? systemClock;
  const tokens = {
    token: () => session.token(),
    invalidate: (t: string) => session.invalidate(t),
    revoked: (t: string) => session.revoked(t),
  };
  const http = createHttp({
    baseUrl,
    // Called unbound: `window.fetch` throws "Illegal invocation" as a method of another object.
    fetch: (input, init) => f(input, init),
    timeoutMs,
    maxRetries: options.maxRetries ?? 2,
    tokens,
    clock,
  });
  const session = createSessionManager(
    options,
    http,
    options.storage ?? memoryStorage(),
    options.storageKey ?? 'parley.session',
    () => clock.now(),
  );
  // Loaded on the first WebSocket answer: SSE-only apps never download the transport.
  let ws: Promise<WsTransport> | null = null;
  const close = (): void => {
    void ws?.then((w) => w.close());
    ws = null;
  };
  const flows = authFlows(options, http, session, close);
  const tools = toolsApi(http);
  return {
    session: {
      get: () => session.get(),
      async clear() {
        close(); // the socket belongs to the old session's user
        await session.clear();
      },
      logout: flows.logout,
      logoutAll: flows.logoutAll,
    },
    identify: flows.identify,
    accounts: flows.accounts,
    tools,
    conversations: conversationsApi(http),
    messages: messagesApi(
      http,
      () =>
        (ws ??= import('./ws/ws-transport.js').then(({ createWsTransport }) =>
          createWsTransport({
            baseUrl,
            WebSocket: options.WebSocket,
            tokens,
            timeoutMs,
            clock,
          }),
        )),
      tools,
      clock,
    ),
    memories: memoriesApi(http),
    me: meApi(http),
    close,
  };
}
