import { WebSocket } from 'ws';

/** What a test sees from the server: frames in arrival order, and the close. */
export interface WsTestClient {
  ws: WebSocket;
  frames: any[];
  /** Resolves with the first frame (already received or future) matching `match`. */
  waitFor(match: (frame: any) => boolean, what?: string): Promise<any>;
  /** The frames of one conversation's turn, up to response.completed / response.failed. */
  turn(conversationId: string): Promise<any[]>;
  send(frame: unknown): void;
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export function wsUrl(httpUrl: string, path = '/v1/ws'): string {
  return httpUrl.replace(/^http/, 'ws') + path;
}

/** Opens a WebSocket (the `ws` package, as a Node client would) and records every frame. */
export async function openWs(
  url: string,
  opts: { protocols?: string[]; token?: string; autoPong?: boolean } = {},
): Promise<WsTestClient> {
  const protocols = opts.protocols ?? [
    'parley.v1',
    ...(opts.token ? [`parley.token.${opts.token}`] : []),
  ];
  const ws = new WebSocket(url, protocols, { autoPong: opts.autoPong ?? true });
  const frames: any[] = [];
  const waiters = new Set<{ match: (f: any) => boolean; resolve: (f: any) => void }>();
  ws.on('message', (data, isBinary) => {
    const frame = JSON.parse(isBinary ? '{}' : String(data));
    frames.push(frame);
    for (const w of waiters) {
      if (w.match(frame)) {
        waiters.delete(w);
        w.resolve(frame);
      }
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });

  const waitFor: WsTestClient['waitFor'] = (match, what = 'frame') => {
    const seen = frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      waiters.add({ match, resolve });
      void closed.then(({ code }) =>
        reject(new Error(`socket closed (${code}) while waiting for ${what}`)),
      );
    });
  };

  return {
    ws,
    frames,
    waitFor,
    async turn(conversationId) {
      await waitFor(
        (f) =>
          f.conversationId === conversationId &&
          (f.type === 'response.completed' || f.type === 'response.failed'),
        `end of turn in ${conversationId}`,
      );
      return frames.filter((f) => f.conversationId === conversationId && typeof f.seq === 'number');
    },
    send(frame) {
      ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    },
    closed,
    async close() {
      if (ws.readyState !== WebSocket.CLOSED) {
        ws.close();
        await closed;
      }
    },
  };
}
