import type { Clock } from '../clock.js';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  ConflictError,
  errorFor,
  isParleyError,
  ParleyError,
} from '../errors.js';
import type { TokenSource } from '../http/http-client.js';
import { isRevoked } from '../http/http-client.js';
import { ERROR_STATUS } from '../protocol/error-codes.js';
import { isTerminalEvent } from '../protocol/events.js';
import type { ClientFrame, ServerFrame } from '../protocol/ws-frames.js';
import { WS_PATH, WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX } from '../protocol/ws-frames.js';
import type { StreamSink } from '../streaming/message-stream.js';
import type { SendBody } from '../streaming/sse-turn.js';

/** Any WebSocket class: the browser's, Node 22's, or the `ws` package's. */
export type WebSocketConstructor = new (url: string, protocols: string[]) => object;

/** The part of a WebSocket we use; browsers, Node and `ws` all have it. */
interface Socket {
  send(data: string): void;
  close(code?: number): void;
  onmessage: ((e: { data: unknown }) => void) | null;
  onclose: (() => void) | null;
  onerror: (() => void) | null;
}

interface Turn {
  stream: StreamSink;
  frame: ClientFrame & { ref: string; conversationId: string };
  retried: boolean;
}

interface Gate {
  promise: Promise<void>;
  open(): void;
  fail(err: unknown): void;
  done: boolean;
}

function gate(): Gate {
  const g = { done: false } as Gate;
  g.promise = new Promise<void>((resolve, reject) => {
    g.open = () => ((g.done = true), resolve());
    g.fail = (e) => ((g.done = true), reject(e));
  });
  g.promise.catch(() => {});
  return g;
}

const AUTH_REF = 'auth';

/**
 * The WebSocket class to use: the one passed, the platform's (browsers,
 * Node 22+), else the optional peer `ws` (Node 20), loaded only then.
 */
async function webSocketClass(given?: WebSocketConstructor): Promise<WebSocketConstructor> {
  // A variable specifier: browser bundlers leave it alone, and Node resolves it at run time.
  const name = 'ws';
  const Ctor =
    given ??
    (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket ??
    (
      (await import(/* @vite-ignore */ name).catch(() => ({}))) as {
        WebSocket?: WebSocketConstructor;
      }
    ).WebSocket;
  if (!Ctor) throw new ParleyError('No WebSocket here: pass { WebSocket } or install "ws"');
  return Ctor;
}

export interface WsTransport {
  turn(conversationId: string, body: SendBody, stream: StreamSink): Promise<void>;
  close(): void;
}

/**
 * One shared socket per client, opened on the first WS turn. Events are
 * routed to streams by conversation; errors by the frame's `ref`. When the
 * server says the token expired, it refreshes and sends `auth` on the same
 * socket, then re-sends a refused `message.send` once.
 */
export function createWsTransport(cfg: {
  baseUrl: string;
  WebSocket: WebSocketConstructor | undefined;
  tokens: TokenSource;
  timeoutMs: number;
  clock: Clock;
}): WsTransport {
  let sock: Socket | null = null;
  let ready: Gate | null = null;
  let token = '';
  let reauthing = false;
  let refs = 0;
  const byRef = new Map<string, Turn>();
  const byConversation = new Map<string, Turn>();

  const send = (frame: ClientFrame & { ref?: string }): void =>
    // `ref` first, so the server can find it even in a frame too large to parse.
    sock?.send(JSON.stringify({ ref: frame.ref, ...frame }));

  function forget(t: Turn): void {
    byRef.delete(t.frame.ref);
    if (byConversation.get(t.frame.conversationId) === t) {
      byConversation.delete(t.frame.conversationId);
    }
  }

  function lost(err: unknown): void {
    const s = sock;
    sock = null;
    ready?.fail(err);
    ready = null;
    reauthing = false;
    for (const t of byRef.values()) t.stream.end(err);
    byRef.clear();
    byConversation.clear();
    s?.close(1000);
  }

  function connect(): Promise<void> {
    if (ready) return ready.promise;
    const g = (ready = gate());
    const timer = cfg.clock.setTimeout(
      () =>
        ready === g &&
        !g.done &&
        lost(new APIConnectionTimeoutError('WebSocket connect timed out')),
      cfg.timeoutMs,
    );
    void g.promise.then(
      () => cfg.clock.clearTimeout(timer),
      () => cfg.clock.clearTimeout(timer),
    );
    Promise.all([cfg.tokens.token(), webSocketClass(cfg.WebSocket)]).then(([t, Ctor]) => {
      if (ready !== g) return;
      token = t;
      const s = new Ctor(cfg.baseUrl.replace(/^http/, 'ws') + WS_PATH, [
        WS_PROTOCOL,
        WS_TOKEN_PROTOCOL_PREFIX + t,
      ]) as Socket;
      sock = s;
      s.onmessage = (e) => sock === s && onFrame(JSON.parse(String(e.data)) as ServerFrame);
      s.onclose = () =>
        sock === s && lost(new APIConnectionError('The WebSocket connection closed'));
      s.onerror = () => {}; // a close follows
    }, lost);
    return g.promise;
  }

  function reauth(): void {
    if (reauthing || !sock) return;
    reauthing = true;
    if (!ready || ready.done) ready = gate(); // new frames wait for the new `ready`
    const s = sock;
    cfg.tokens.invalidate(token);
    cfg.tokens.token().then((t) => {
      token = t;
      if (sock === s) send({ type: 'auth', token: t, ref: AUTH_REF });
    }, lost);
  }

  function onFrame(f: ServerFrame): void {
    if (f.type === 'ready') {
      reauthing = false;
      ready?.open();
    } else if (f.type === 'error') {
      const t = f.ref ? byRef.get(f.ref) : undefined;
      const err = errorFor(ERROR_STATUS[f.error.code] ?? 500, f.error);
      if (isRevoked(err)) void cfg.tokens.revoked(token);
      if (f.ref === AUTH_REF || (f.fatal && !t)) return lost(err);
      if (f.error.code === 'unauthorized') {
        reauth();
        if (t && !t.retried) {
          t.retried = true;
          return void ready?.promise.then(
            () => !t.stream.signal.aborted && send(t.frame),
            () => {}, // lost() already ended the stream
          );
        }
      }
      if (t) {
        forget(t);
        t.stream.end(err);
      }
    } else if ('conversationId' in f && 'seq' in f) {
      const t = byConversation.get(f.conversationId);
      if (!t) return;
      t.stream.push(f);
      // The server sends the last event once the conversation is free again.
      if (isTerminalEvent(f)) {
        forget(t);
        t.stream.end();
      }
    }
  }

  return {
    async turn(conversationId, body, stream) {
      if (byConversation.has(conversationId)) {
        return stream.end(
          new ConflictError('A response is already streaming in this conversation', {
            status: 409,
            code: 'conversation_busy',
          }),
        );
      }
      const ref = `m${++refs}`;
      const t: Turn = {
        stream,
        frame: { type: 'message.send', ref, conversationId, ...body },
        retried: false,
      };
      byRef.set(ref, t);
      byConversation.set(conversationId, t);
      let sent = false;
      stream.signal.addEventListener('abort', () => {
        if (byRef.get(ref) !== t) return;
        forget(t);
        if (sent && !stream.keepRunningOnAbort) send({ type: 'response.cancel', conversationId });
      });
      try {
        await connect();
        if (stream.signal.aborted) return;
        sent = true;
        send(t.frame);
      } catch (err) {
        forget(t);
        stream.end(
          isParleyError(err) ? err : new APIConnectionError('WebSocket failed', { cause: err }),
        );
      }
    },
    close() {
      lost(new APIUserAbortError('The client was closed'));
    },
  };
}
