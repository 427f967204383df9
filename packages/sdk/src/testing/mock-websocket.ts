import type { ErrorBody } from '../protocol/error-codes.js';
import type { ClientFrame, ServerFrame } from '../protocol/ws-frames.js';
import { WS_TOKEN_PROTOCOL_PREFIX } from '../protocol/ws-frames.js';
import type { MockBackend } from './mock-backend.js';
import { MockHttpError } from './mock-backend.js';

/** A socket the mock opened, for assertions and to drop it. */
export interface MockWebSocketInstance {
  readonly url: string;
  readonly sent: ClientFrame[];
  /** Sends a frame as the server would (e.g. `{ type: 'error', error: { code: 'unauthorized', … } }`). */
  serverSend(frame: ServerFrame): void;
  /** Drops the connection as a network failure would. */
  drop(): void;
}

const later = (fn: () => void): void => void setTimeout(fn, 0);

/** A WebSocket class speaking the Parley frames from a MockBackend, for `createClient({ WebSocket })`. */
export function mockWebSocketClass(
  backend: MockBackend,
  sockets: MockWebSocketInstance[],
): new (url: string, protocols?: string[]) => MockWebSocketInstance {
  return class MockWebSocket implements MockWebSocketInstance {
    readyState = 0;
    onmessage: ((e: { data: string }) => void) | null = null;
    onclose: ((e: { code: number }) => void) | null = null;
    onerror: (() => void) | null = null;
    readonly sent: ClientFrame[] = [];
    private token: string | undefined;
    private readonly cancelled = new Set<string>();

    constructor(
      readonly url: string,
      protocols: string[] = [],
    ) {
      sockets.push(this);
      const token = protocols.find((p) => p.startsWith(WS_TOKEN_PROTOCOL_PREFIX));
      later(() => {
        this.readyState = 1;
        this.auth(token?.slice(WS_TOKEN_PROTOCOL_PREFIX.length));
      });
    }

    send(data: string): void {
      const frame = JSON.parse(data) as ClientFrame;
      this.sent.push(frame);
      later(() => this.handle(frame));
    }

    close(code = 1000): void {
      if (this.readyState >= 2) return;
      this.readyState = 3;
      later(() => this.onclose?.({ code }));
    }

    drop(): void {
      this.close(1006);
    }

    serverSend(frame: ServerFrame): void {
      if (this.readyState === 1) this.onmessage?.({ data: JSON.stringify(frame) });
    }

    private error(error: ErrorBody, ref?: string): void {
      this.serverSend({ type: 'error', error, ...(ref ? { ref } : {}) });
    }

    /** Like the server: valid until the token expires (see `expireTokens()`). */
    private get authed(): boolean {
      return !!this.token && backend.validTokens.has(this.token);
    }

    private auth(token: string | undefined, ref?: string): void {
      this.token = token;
      if (this.authed) this.serverSend({ type: 'ready', userId: 'mock_user' });
      else this.error({ code: 'unauthorized', message: 'Invalid access token' }, ref);
    }

    private handle(frame: ClientFrame): void {
      if (frame.type === 'auth') return this.auth(frame.token, frame.ref);
      if (frame.type === 'ping') return this.serverSend({ type: 'pong', ref: frame.ref });
      if (!this.authed)
        return this.error({ code: 'unauthorized', message: 'Authenticate first' }, frame.ref);
      if (frame.type === 'response.cancel') return void this.cancelled.add(frame.conversationId);
      if (frame.type !== 'message.send') {
        return this.error(
          { code: 'invalid_request', message: `${frame.type} is not mocked` },
          frame.ref,
        );
      }
      const id = frame.conversationId;
      this.cancelled.delete(id);
      const events = backend.turn(id, frame.content, frame.clientMessageId, () =>
        this.cancelled.has(id),
      );
      const step = (): void => {
        try {
          const next = events.next();
          if (next.done || this.readyState !== 1) return;
          this.serverSend(next.value);
          later(step);
        } catch (err) {
          if (!(err instanceof MockHttpError)) throw err;
          this.error(err.body, frame.ref);
        }
      };
      step();
    }
  };
}
