/**
 * Test helpers for code that uses @parley/sdk: an in-memory Parley that
 * speaks the real REST, SSE and WebSocket protocol, without a server.
 *
 *   const parley = createMockParley({ reply: (q) => `You said ${q}` });
 *   const client = createClient({ baseUrl: parley.baseUrl, secretKey: 'sk_test',
 *     fetch: parley.fetch, WebSocket: parley.WebSocket });
 */
import type { WebSocketConstructor } from '../ws/ws-transport.js';
import type { MockConversation, MockFailure, MockParleyOptions } from './mock-backend.js';
import { MockBackend } from './mock-backend.js';
import type { RecordedRequest } from './mock-fetch.js';
import { mockFetch } from './mock-fetch.js';
import type { MockWebSocketInstance } from './mock-websocket.js';
import { mockWebSocketClass } from './mock-websocket.js';

export type {
  MockConversation,
  MockFailure,
  MockParleyOptions,
  MockWebSocketInstance,
  RecordedRequest,
};

/** An in-memory Parley for tests: hand its `fetch` and `WebSocket` to `createClient`. */
export interface MockParley {
  baseUrl: string;
  /** Pass as `createClient({ fetch })`. */
  fetch: typeof fetch;
  /** Pass as `createClient({ WebSocket })`. */
  WebSocket: WebSocketConstructor;
  /** Every HTTP request the client made, in order. */
  requests: RecordedRequest[];
  /** Every WebSocket the client opened. */
  sockets: MockWebSocketInstance[];
  /** Conversations and their stored messages (partial answers are `incomplete`). */
  conversations: Map<string, MockConversation>;
  /** The next request matching `method`/`path` fails with this error (once). */
  failNext(match: { method?: string; path: string | RegExp }, failure: MockFailure): void;
  /** Every access token issued so far stops working, as if it expired. */
  expireTokens(): void;
  /** Resolves once the conversation's turn (if any) has stored its answer, e.g. after a cancel. */
  settled(conversationId: string): Promise<void>;
}

/** Creates an in-memory Parley that speaks the real REST, SSE and WebSocket protocol (no network). */
export function createMockParley(options: MockParleyOptions = {}): MockParley {
  const backend = new MockBackend(options);
  const requests: RecordedRequest[] = [];
  const sockets: MockWebSocketInstance[] = [];
  const failures: { method?: string; path: string | RegExp; failure: MockFailure }[] = [];
  return {
    baseUrl: 'http://parley.mock',
    fetch: mockFetch(backend, requests, failures),
    WebSocket: mockWebSocketClass(backend, sockets),
    requests,
    sockets,
    conversations: backend.conversations,
    failNext: (match, failure) => void failures.push({ ...match, failure }),
    expireTokens: () => backend.validTokens.clear(),
    settled: (conversationId) => backend.settled(conversationId),
  };
}
